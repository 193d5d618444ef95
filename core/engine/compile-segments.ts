// Segments are compiled once per snapshot and shared by every flag that uses them.
import type { Segment } from '../model/index.js';
import { compileCondition } from './compile-condition.js';
import type { CompiledSegment } from './compiled.js';

function keySet(keys: unknown): ReadonlySet<string> | null {
  if (!Array.isArray(keys)) return null;
  const set = new Set<string>();
  for (const key of keys) if (typeof key === 'string') set.add(key);
  return set.size > 0 ? set : null;
}

/**
 * Segment key to compiled segment. A duplicated key keeps its first definition
 * (the validator reports it). With `previous`, a segment whose key is not in
 * `changed` keeps its compiled object from there.
 */
export function compileSegments(
  segments: readonly Segment[],
  previous?: ReadonlyMap<string, CompiledSegment>,
  changed?: ReadonlySet<string>,
): ReadonlyMap<string, CompiledSegment> {
  const compiled = new Map<string, CompiledSegment>();
  for (const segment of segments) {
    if (typeof segment !== 'object' || segment === null || typeof segment.key !== 'string') continue;
    if (compiled.has(segment.key)) continue;
    const kept = changed?.has(segment.key) ? undefined : previous?.get(segment.key);
    if (kept !== undefined) {
      compiled.set(segment.key, kept);
      continue;
    }
    const conditions = Array.isArray(segment.conditions) ? segment.conditions : [];
    compiled.set(
      segment.key,
      Object.freeze({
        key: segment.key,
        include: keySet(segment.include),
        exclude: keySet(segment.exclude),
        matchAny: segment.match === 'any',
        // null: a condition inside a segment may not reference a segment.
        conditions: Object.freeze(conditions.map((condition) => compileCondition(condition, null))),
      }),
    );
  }
  return compiled;
}
