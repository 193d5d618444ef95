// Keys that must be unique within a tenant: flags and segments (across all its
// files) and environments. The second occurrence is reported, naming the first.
import { pointer } from '../../yaml/pointer.js';
import type { DiagnosticCode } from '../codes.js';
import type { Findings, Located } from './model.js';

export function checkDuplicateKeys<O>(
  items: readonly Located<{ key: string }, O>[],
  code: DiagnosticCode,
  noun: string,
  findings: Findings<O>,
): void {
  const first = new Map<string, Located<{ key: string }, O>>();
  for (const item of items) {
    const earlier = first.get(item.value.key);
    if (earlier === undefined) {
      first.set(item.value.key, item);
      continue;
    }
    const where = findings.describe(earlier.origin, pointer(earlier.pointer, 'key'));
    findings.add(item.origin, pointer(item.pointer, 'key'), code, `${noun} "${item.value.key}" is already defined at ${where}`);
  }
}
