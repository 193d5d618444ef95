// Finding the YAML node a JSON pointer names, so a finding about the data
// (an ajv instancePath, a semantic check) can point at file:line:column.
import { isAlias, isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Document, Node, Pair } from 'yaml';
import { parsePointer } from './pointer.js';
import type { SourceRange } from './positions.js';

/** What to point at: the node itself, or (for a map entry) its key. */
export type PointerTarget = 'value' | 'key';

function rangeOf(node: Node): SourceRange | undefined {
  const range = node.range;
  return range ? { start: range[0], end: range[1] } : undefined;
}

function keyText(pair: Pair): string | undefined {
  return isScalar(pair.key) ? String(pair.key.value) : undefined;
}

/**
 * The source range of the node at `pointer` in `doc`. When the pointer goes
 * further than the document does (a missing property), the deepest node found
 * is returned, so the answer is always somewhere sensible.
 */
export function locatePointer(doc: Document, pointer: string, target: PointerTarget = 'value'): SourceRange {
  let node: unknown = doc.contents;
  let best: SourceRange = { start: 0, end: 0 };
  if (isScalar(node) || isMap(node) || isSeq(node)) best = rangeOf(node) ?? best;
  const segments = parsePointer(pointer);
  for (let i = 0; i < segments.length; i++) {
    if (isAlias(node)) node = node.resolve(doc);
    const segment = segments[i] as string;
    const last = i === segments.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item): item is Pair => isPair(item) && keyText(item) === segment);
      if (pair === undefined) return best;
      const keyRange = isScalar(pair.key) ? rangeOf(pair.key) : undefined;
      const value = pair.value as Node | null;
      const valueRange = value && !(isScalar(value) && value.source === '' && value.value === null) ? rangeOf(value) : undefined;
      if (last && target === 'key') return keyRange ?? valueRange ?? best;
      best = valueRange ?? keyRange ?? best;
      node = value;
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)] as Node | undefined;
      if (item === undefined || !/^\d+$/.test(segment)) return best;
      best = rangeOf(item) ?? best;
      node = item;
    } else {
      return best;
    }
  }
  return best;
}
