// Prerequisites across the tenant's flags: each names a flag that exists and a
// variant that flag declares; one level deep (a prerequisite has none of its
// own), so chains and cycles are refused where they are written.
import type { Flag } from '../../model/index.js';
import { pointer } from '../../yaml/pointer.js';
import { closest } from '../suggest.js';
import type { Findings, Located } from './model.js';
import { unknownVariantMessage } from './serve.js';

/** Whether following prerequisites from `start` comes back to it. */
function inCycle(start: string, byKey: ReadonlyMap<string, Flag>): boolean {
  const seen = new Set<string>();
  const stack = (byKey.get(start)?.prerequisites ?? []).map((p) => p.flag);
  while (stack.length > 0) {
    const key = stack.pop()!;
    if (key === start) return true;
    if (seen.has(key)) continue;
    seen.add(key);
    for (const p of byKey.get(key)?.prerequisites ?? []) stack.push(p.flag);
  }
  return false;
}

/** Checks the prerequisites of `flags`; they resolve against `known` (every flag of the tenant) when given. */
export function checkPrerequisites<O>(flags: readonly Located<Flag, O>[], findings: Findings<O>, known?: ReadonlyMap<string, Flag>): void {
  let byKey = known;
  if (byKey === undefined) {
    const own = new Map<string, Flag>();
    for (const { value } of flags) if (!own.has(value.key)) own.set(value.key, value);
    byKey = own;
  }
  for (const { value: flag, pointer: at, origin } of flags) {
    const list = flag.prerequisites ?? [];
    if (list.length === 0) continue;
    const cyclic = inCycle(flag.key, byKey);
    list.forEach((p, index) => {
      const itemAt = pointer(at, 'prerequisites', index);
      const required = byKey.get(p.flag);
      if (required === undefined) {
        const guess = closest(p.flag, [...byKey.keys()]);
        findings.add(origin, pointer(itemAt, 'flag'), 'PREREQUISITE_UNKNOWN', `prerequisite "${p.flag}" is not a flag of this tenant${guess ? ` (did you mean "${guess}"?)` : ''}`);
        return;
      }
      if (cyclic && (p.flag === flag.key || inCycle(p.flag, byKey))) {
        const path = p.flag === flag.key ? `"${flag.key}" requires itself` : `"${flag.key}" requires "${p.flag}", which leads back to "${flag.key}"`;
        findings.add(origin, pointer(itemAt, 'flag'), 'PREREQUISITE_CYCLE', `prerequisites form a cycle: ${path}`);
        return;
      }
      if ((required.prerequisites ?? []).length > 0) {
        findings.add(
          origin,
          pointer(itemAt, 'flag'),
          'PREREQUISITE_NESTED',
          `prerequisite "${p.flag}" has prerequisites of its own: prerequisites are one level deep (list what "${p.flag}" requires here instead)`,
        );
      }
      if (!Object.hasOwn(required.variants, p.variant)) {
        findings.add(origin, pointer(itemAt, 'variant'), 'PREREQUISITE_VARIANT_UNKNOWN', `prerequisite "${p.flag}" has no ${unknownVariantMessage(p.variant, new Set(Object.keys(required.variants))).replace(/^unknown /, '')}`);
      }
    });
  }
}
