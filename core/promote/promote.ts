// `ff promote`: copy flags' configuration from one environment to another in
// the YAML itself, so the promotion is an ordinary reviewable commit. It edits
// the parsed document (comments inside the copied block travel with it, every
// other comment stays), then formats the result like `ff fmt` does.
import { isMap, isPair, isScalar, isSeq } from 'yaml';
import type { Document, Pair, YAMLMap } from 'yaml';
import { formatSource } from '../fmt/format.js';
import { parseYaml } from '../yaml/parse.js';

export interface PromoteResult {
  /** The new text; equal to the input when nothing changed. */
  output: string;
  /** Flag keys promoted in this file (found, with a `from` configuration). */
  promoted: string[];
  /** Flag keys found in this file without a `from` configuration. */
  missingFrom: string[];
  /** Set when the file cannot be edited safely (YAML errors, or formatting refused); `output` is then the input. */
  refused?: string;
}

function keyOf(pair: Pair): string | undefined {
  return isScalar(pair.key) ? String(pair.key.value) : undefined;
}

function pairNamed(map: YAMLMap, name: string): Pair | undefined {
  return map.items.find((item): item is Pair => isPair(item) && keyOf(item) === name);
}

/** Copies `environments.<from>` onto `environments.<to>` for each listed flag of one flags file. */
export function promoteInSource(source: string, file: string, flagKeys: ReadonlySet<string>, from: string, to: string): PromoteResult {
  const parsed = parseYaml(source, file);
  const result: PromoteResult = { output: source, promoted: [], missingFrom: [] };
  if (!parsed.ok || parsed.document === undefined) return { ...result, refused: 'the file has YAML errors' };
  const doc: Document = parsed.document;
  const root = doc.contents;
  const flags = isMap(root) ? pairNamed(root, 'flags')?.value : undefined;
  if (!isSeq(flags)) return result;
  for (const item of flags.items) {
    if (!isMap(item)) continue;
    const keyPair = pairNamed(item, 'key');
    const key = keyPair && isScalar(keyPair.value) ? String(keyPair.value.value) : undefined;
    if (key === undefined || !flagKeys.has(key)) continue;
    const environments = pairNamed(item, 'environments')?.value;
    const source = isMap(environments) ? pairNamed(environments, from) : undefined;
    if (!isMap(environments) || source === undefined || source.value === null) {
      result.missingFrom.push(key);
      continue;
    }
    const copy = (source.value as { clone(): unknown }).clone();
    const target = pairNamed(environments, to);
    if (target !== undefined) target.value = copy;
    else environments.add(doc.createPair(to, copy));
    result.promoted.push(key);
  }
  if (result.promoted.length === 0) return result;
  const formatted = formatSource(doc.toString({ indent: 2, indentSeq: true, lineWidth: 100 }), file);
  if (formatted.diagnostics.some((d) => d.severity === 'error')) return { ...result, promoted: [], refused: 'the result could not be formatted safely' };
  return { ...result, output: formatted.output };
}
