// Checks made on the concrete syntax tree, before the composer turns it into
// nodes: the composer and toJS recurse, so a pathologically deep document must
// be refused here, with an explicit stack that cannot overflow.
import type { CST } from 'yaml';

const COLLECTIONS = new Set(['block-map', 'block-seq', 'flow-collection']);

interface Pending {
  token: CST.Token;
  depth: number;
}

/** Offset of the first collection nested deeper than `maxDepth`, or undefined when none is. */
export function findTooDeep(tokens: readonly CST.Token[], maxDepth: number): number | undefined {
  const stack: Pending[] = [];
  for (const token of tokens) {
    if (token.type === 'document' && token.value) stack.push({ token: token.value, depth: 0 });
  }
  while (stack.length > 0) {
    const { token, depth } = stack.pop() as Pending;
    if (!COLLECTIONS.has(token.type)) continue;
    const inner = depth + 1;
    if (inner > maxDepth) return token.offset;
    const collection = token as CST.BlockMap | CST.BlockSequence | CST.FlowCollection;
    for (const item of collection.items) {
      if ('key' in item && item.key) stack.push({ token: item.key, depth: inner });
      if (item.value) stack.push({ token: item.value, depth: inner });
    }
  }
  return undefined;
}

/** Offsets at which the second and later documents of a stream start. */
export function extraDocumentOffsets(tokens: readonly CST.Token[]): number[] {
  const starts = tokens.filter((token) => token.type === 'document').map((token) => token.offset);
  return starts.slice(1);
}

/** Offset of a `%YAML` directive, if the stream has one. */
export function yamlDirectiveOffset(tokens: readonly CST.Token[]): number | undefined {
  const directive = tokens.find((token) => token.type === 'directive' && token.source.startsWith('%YAML'));
  return directive?.offset;
}
