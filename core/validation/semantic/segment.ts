// One segment: its conditions (which may not reference segments), and lists
// that make sense together.
import type { Segment } from '../../model/index.js';
import { pointer } from '../../yaml/pointer.js';
import { checkCondition } from './condition.js';
import type { ConditionScope } from './condition.js';
import type { Findings, Located } from './model.js';

export function checkSegment<O>(located: Located<Segment, O>, scope: ConditionScope, findings: Findings<O>): void {
  const { value: segment, pointer: at, origin } = located;
  const conditions = segment.conditions ?? [];
  conditions.forEach((condition, index) => {
    checkCondition(condition, pointer(at, 'conditions', index), origin, { ...scope, inSegment: true }, findings);
  });
  const excluded = new Set(segment.exclude ?? []);
  (segment.include ?? []).forEach((key, index) => {
    if (excluded.has(key)) {
      findings.add(origin, pointer(at, 'include', index), 'SEGMENT_INCLUDE_EXCLUDED', `"${key}" is also in exclude, which wins: it is never a member`);
    }
  });
  if (conditions.length === 0 && (segment.include ?? []).length === 0) {
    findings.add(origin, pointer(at, 'key'), 'SEGMENT_EMPTY', `segment "${segment.key}" has no conditions and no include list: it has no members`);
  }
}
