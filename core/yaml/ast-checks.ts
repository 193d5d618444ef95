// Checks made on the composed document before it becomes plain data: merge
// keys, and aliases (undefined, recursive, too many, or expanding to too much).
// Expansion is measured with one memoised size per anchored node, so a
// "billion laughs" document is refused in time linear in its length, without
// ever being expanded.
import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Document, Node } from 'yaml';
import type { DiagnosticCode } from '../validation/codes.js';
import type { SourceRange } from './positions.js';

export interface AliasLimits {
  maxAliases: number;
  maxAliasExpansion: number;
}

export type NodeProblemReporter = (code: DiagnosticCode, message: string, range: SourceRange) => void;

function rangeOf(node: Node | null | undefined): SourceRange {
  const range = node?.range;
  return range ? { start: range[0], end: range[1] } : { start: 0, end: 0 };
}

/**
 * Reports merge keys and alias problems of `doc`. The caller has already
 * bounded the nesting depth, so plain recursion is safe here.
 */
export function checkDocumentNodes(doc: Document, limits: AliasLimits, report: NodeProblemReporter): void {
  const anchors = new Map<string, Node>();
  const sizes = new Map<Node, number>();
  let aliases = 0;
  let expansion = 0;
  let limitReported = false;

  const visit = (node: unknown): number => {
    if (isAlias(node)) {
      aliases += 1;
      if (aliases > limits.maxAliases && !limitReported) {
        limitReported = true;
        report('YAML_ALIAS_LIMIT', `more than ${limits.maxAliases} aliases in one file`, rangeOf(node));
      }
      const target = anchors.get(node.source);
      if (target === undefined) {
        report('YAML_ALIAS_UNDEFINED', `alias *${node.source} has no anchor &${node.source} before it`, rangeOf(node));
        return 1;
      }
      const size = sizes.get(target);
      if (size === undefined) {
        report('YAML_ALIAS_UNDEFINED', `alias *${node.source} refers to a node that contains it`, rangeOf(node));
        return 1;
      }
      expansion += size;
      if (expansion > limits.maxAliasExpansion && !limitReported) {
        limitReported = true;
        report(
          'YAML_ALIAS_LIMIT',
          `aliases expand to more than ${limits.maxAliasExpansion} nodes (an alias bomb?)`,
          rangeOf(node),
        );
      }
      return size;
    }
    if (!isMap(node) && !isSeq(node) && !isScalar(node)) return 0;
    if (node.anchor) anchors.set(node.anchor, node);
    let size = 1;
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        if (isScalar(pair.key) && pair.key.value === '<<') {
          report('YAML_MERGE_KEY', 'merge keys (<<) are not supported: write the keys out', rangeOf(pair.key as Node));
        }
        // The server's JSON body reader refuses it (it reaches an object's
        // prototype when merged), so a file holding one would validate and
        // then fail to apply.
        if (isScalar(pair.key) && pair.key.value === '__proto__') {
          report('YAML_PROTO_KEY', 'a "__proto__" key is not accepted (as a variant name, attribute or object member)', rangeOf(pair.key as Node));
        }
        size += visit(pair.key) + visit(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) size += visit(item);
    }
    if (node.anchor) sizes.set(node, size);
    return size;
  };

  visit(doc.contents);
}
