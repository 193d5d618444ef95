// One condition: attribute test or segment test (exactly one), the operator's
// value shape, and segment references.
import type { Condition } from '../../model/index.js';
import { pointer } from '../../yaml/pointer.js';
import { closest } from '../suggest.js';
import type { Findings } from './model.js';
import { CASE_INSENSITIVE_OPERATORS, operandProblem } from './operand.js';

export interface ConditionScope {
  /** Conditions of a segment may not reference segments. */
  inSegment: boolean;
  segmentKeys: ReadonlySet<string>;
  unverifiedSegmentKeys: ReadonlySet<string>;
}

const SEGMENT_CONDITION_EXTRAS = ['operator', 'value', 'caseInsensitive'] as const;

function checkSegmentReference<O>(c: Condition, at: string, origin: O, scope: ConditionScope, findings: Findings<O>): void {
  const key = c.segment as string;
  if (scope.inSegment) {
    findings.add(origin, pointer(at, 'segment'), 'SEGMENT_NESTED', `segments cannot reference other segments (here "${key}"): copy its conditions instead`);
  } else if (!scope.segmentKeys.has(key) && !scope.unverifiedSegmentKeys.has(key)) {
    const guess = closest(key, [...scope.segmentKeys]);
    findings.add(origin, pointer(at, 'segment'), 'SEGMENT_UNKNOWN', `unknown segment "${key}"${guess ? ` (did you mean "${guess}"?)` : ''}`);
  }
  for (const extra of SEGMENT_CONDITION_EXTRAS) {
    if (c[extra] !== undefined) {
      findings.add(origin, pointer(at, extra), 'CONDITION_SEGMENT_FIELDS', `a segment condition takes only "negate", not "${extra}"`, 'key');
    }
  }
}

export function checkCondition<O>(c: Condition, at: string, origin: O, scope: ConditionScope, findings: Findings<O>): void {
  const hasAttribute = c.attribute !== undefined;
  const hasSegment = c.segment !== undefined;
  if (hasAttribute && hasSegment) {
    findings.add(origin, at, 'CONDITION_AMBIGUOUS', 'a condition tests either an attribute or a segment, not both');
    return;
  }
  if (!hasAttribute && !hasSegment) {
    findings.add(origin, at, 'CONDITION_EMPTY', 'a condition needs "attribute" (with an operator) or "segment"');
    return;
  }
  if (hasSegment) {
    checkSegmentReference(c, at, origin, scope, findings);
    return;
  }
  const operator = c.operator;
  if (operator === undefined) {
    findings.add(origin, at, 'CONDITION_OPERATOR_MISSING', `condition on "${c.attribute}" needs an operator`);
    return;
  }
  if (c.value === undefined) {
    if (operator !== 'exists') {
      findings.add(origin, at, 'CONDITION_VALUE_MISSING', `operator ${operator} needs a value`);
    }
  } else {
    const problem = operandProblem(operator, c.value);
    if (problem) findings.add(origin, pointer(at, 'value'), problem.code, problem.message);
    else if (Array.isArray(c.value) && c.value.length === 0) {
      findings.add(origin, pointer(at, 'value'), 'CONDITION_EMPTY_LIST', operator === 'in' ? 'in with an empty list never matches' : 'not_in with an empty list matches every value (but not a missing attribute)');
    }
  }
  if (c.caseInsensitive === true && !CASE_INSENSITIVE_OPERATORS.has(operator)) {
    findings.add(origin, pointer(at, 'caseInsensitive'), 'CONDITION_OPTION_IGNORED', `caseInsensitive has no effect on ${operator}`, 'key');
  }
}
