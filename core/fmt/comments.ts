// Comments through formatting: the comments of a YAML source, read from its
// CST (`ff fmt` refuses to write an output that lost one), and a fix for the
// one place yaml's writer drops them.
import { isScalar, Parser, visit } from 'yaml';
import type { Document } from 'yaml';

/**
 * yaml's writer drops a comment on a block scalar's header line (`key: |- # note`).
 * Moving it to the line before the scalar keeps it, and that placement reads
 * back the same way, so formatting stays idempotent.
 */
export function keepBlockScalarComments(document: Document): void {
  visit(document, {
    Scalar(_key, node) {
      if (!isScalar(node) || typeof node.comment !== 'string') return; // '' is a comment too: a bare #
      if (node.type !== 'BLOCK_LITERAL' && node.type !== 'BLOCK_FOLDED') return;
      node.commentBefore = typeof node.commentBefore === 'string' ? `${node.commentBefore}\n${node.comment}` : node.comment;
      node.comment = undefined;
    },
  });
}

/** Every comment's text (after the #, trailing spaces dropped), sorted. */
export function commentsOf(source: string): string[] {
  const found: string[] = [];
  const stack: unknown[] = [...new Parser().parse(source)];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      stack.push(...(node as unknown[]));
    } else if (typeof node === 'object' && node !== null) {
      const token = node as { type?: unknown; source?: unknown };
      if (token.type === 'comment' && typeof token.source === 'string') found.push(token.source.slice(1).trimEnd());
      else for (const value of Object.values(node)) if (typeof value === 'object' && value !== null) stack.push(value);
    }
  }
  return found.sort();
}
