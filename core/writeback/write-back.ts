// `ff export --drift`: put what the server holds for drifted resources back
// into the YAML files, so the change made outside Git becomes a reviewable
// commit. The parsed document is edited in place — a scalar that changed gets
// its new value, keys are added or removed, everything else (comments
// included) stays — then formatted like `ff fmt`.
import { isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Document, Pair, YAMLMap, YAMLSeq } from 'yaml';
import { formatSource } from '../fmt/format.js';
import { parseYaml } from '../yaml/parse.js';

/** Which list of a file the resource lives in: flags and segments in flags files, environments in tenant.yaml. */
export type Section = 'flags' | 'segments' | 'environments';

export interface WriteBackEdit {
  section: Section;
  key: string;
  /** The server's document; null: the server has none (remove it from the file). */
  doc: Record<string, unknown> | null;
}

export interface WriteBackResult {
  /** The new text; equal to the input when nothing changed. */
  output: string;
  /** `section:key` of each edit carried out in this file. */
  written: string[];
  /** Set when the file cannot be edited safely; `output` is then the input. */
  refused?: string;
}

const keyOf = (pair: Pair): string | undefined => (isScalar(pair.key) ? String(pair.key.value) : undefined);
const pairNamed = (map: YAMLMap, name: string): Pair | undefined => map.items.find((item): item is Pair => isPair(item) && keyOf(item) === name);
const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The node made equal to `value`, reusing what already matches so its
 * comments stay: maps key by key, lists item by item when the length is
 * unchanged, scalars by value. Anything else is replaced whole.
 */
export function patchNode(doc: Document, node: unknown, value: unknown): unknown {
  if (isPlainObject(value) && isMap(node)) {
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      const pair = pairNamed(node, k);
      if (pair !== undefined) pair.value = patchNode(doc, pair.value, v);
      else node.add(doc.createPair(k, v));
    }
    node.items = node.items.filter((item) => {
      const k = isPair(item) ? keyOf(item) : undefined;
      return k === undefined || value[k] !== undefined;
    });
    return node;
  }
  if (Array.isArray(value) && isSeq(node) && node.items.length === value.length) {
    node.items = node.items.map((item, i) => patchNode(doc, item, value[i]));
    return node;
  }
  if (isScalar(node) && (value === null || typeof value !== 'object')) {
    if (node.value !== value) node.value = value;
    return node;
  }
  return doc.createNode(value);
}

function itemKey(item: unknown): string | undefined {
  if (!isMap(item)) return undefined;
  const pair = pairNamed(item, 'key');
  return pair && isScalar(pair.value) ? String(pair.value.value) : undefined;
}

/**
 * Applies the edits to one file. An edit whose resource the file does not
 * declare is added to it only when `appendMissing` (the file chosen to take
 * resources that exist only on the server); otherwise it is left for another file.
 */
export function writeBackInSource(source: string, file: string, edits: readonly WriteBackEdit[], appendMissing = false): WriteBackResult {
  const parsed = parseYaml(source, file);
  const result: WriteBackResult = { output: source, written: [] };
  if (!parsed.ok || parsed.document === undefined) return { ...result, refused: 'the file has YAML errors' };
  const doc: Document = parsed.document;
  const root = doc.contents;
  if (!isMap(root)) return { ...result, refused: 'the file is not a mapping' };
  for (const edit of edits) {
    let list = pairNamed(root, edit.section)?.value as YAMLSeq | undefined;
    const index = isSeq(list) ? list.items.findIndex((item) => itemKey(item) === edit.key) : -1;
    if (index >= 0 && isSeq(list)) {
      if (edit.doc === null) list.items.splice(index, 1);
      else list.items[index] = patchNode(doc, list.items[index], edit.doc);
    } else if (appendMissing && edit.doc !== null) {
      if (!isSeq(list)) {
        list = doc.createNode([]) as YAMLSeq;
        root.add(doc.createPair(edit.section, list));
      }
      list.add(doc.createNode(edit.doc));
    } else continue;
    result.written.push(`${edit.section}:${edit.key}`);
  }
  if (result.written.length === 0) return result;
  const formatted = formatSource(doc.toString({ indent: 2, indentSeq: true, lineWidth: 100 }), file);
  if (formatted.diagnostics.some((d) => d.severity === 'error')) return { ...result, written: [], refused: 'the result could not be formatted safely' };
  return { ...result, output: formatted.output };
}
