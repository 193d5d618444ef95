// Does a condition's value fit its operator? The verdicts use the engine's own
// parsers (regex, semver, ISO dates), so what validates is what evaluates.
import safeRegex from 'safe-regex2';
import { parseIsoDate } from '../../engine/iso-date.js';
import { parseVersion } from '../../engine/operators.js';
import { compileRegex, MAX_REGEX_LENGTH } from '../../engine/regex.js';
import type { Operator } from '../../model/index.js';
import type { DiagnosticCode } from '../codes.js';
import { describeValue } from '../describe-value.js';

export interface OperandProblem {
  code: DiagnosticCode;
  message: string;
}

const STRING_OPERATORS = new Set<Operator>(['contains', 'starts_with', 'ends_with']);
const NUMBER_OPERATORS = new Set<Operator>(['lt', 'lte', 'gt', 'gte']);
const SEMVER_OPERATORS = new Set<Operator>(['semver_eq', 'semver_lt', 'semver_lte', 'semver_gt', 'semver_gte']);
const DATE_OPERATORS = new Set<Operator>(['before', 'after']);

/** Operators for which caseInsensitive means something. */
export const CASE_INSENSITIVE_OPERATORS = new Set<Operator>([
  'equals',
  'not_equals',
  'in',
  'not_in',
  'contains',
  'starts_with',
  'ends_with',
  'matches',
]);

function isScalar(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

function regexProblem(pattern: string): OperandProblem | undefined {
  const compiled = compileRegex(pattern, false);
  if (compiled.ok) return undefined;
  if (pattern.length > MAX_REGEX_LENGTH) return { code: 'REGEX_TOO_LONG', message: compiled.problem };
  try {
    new RegExp(pattern);
  } catch {
    return { code: 'REGEX_INVALID', message: compiled.problem };
  }
  if (!safeRegex(pattern)) return { code: 'REGEX_UNSAFE', message: compiled.problem };
  return { code: 'REGEX_INVALID', message: compiled.problem };
}

/** The problem with `value` as the operand of `operator`, if any. `value` is present. */
export function operandProblem(operator: Operator, value: unknown): OperandProblem | undefined {
  const got = describeValue(value);
  if (operator === 'exists') {
    return { code: 'CONDITION_VALUE_UNEXPECTED', message: 'exists takes no value: remove it (negate: true tests for absence)' };
  }
  if (operator === 'equals' || operator === 'not_equals') {
    if (isScalar(value)) return undefined;
    const hint = Array.isArray(value) ? `; for a list use ${operator === 'equals' ? 'in' : 'not_in'}` : '';
    return { code: 'CONDITION_VALUE_TYPE', message: `${operator} needs one string, number or boolean, not ${got}${hint}` };
  }
  if (operator === 'in' || operator === 'not_in') {
    if (Array.isArray(value)) return undefined;
    return { code: 'CONDITION_VALUE_TYPE', message: `${operator} needs a list of values, e.g. [a, b], not ${got}` };
  }
  if (STRING_OPERATORS.has(operator)) {
    if (typeof value === 'string') return undefined;
    return { code: 'CONDITION_VALUE_TYPE', message: `${operator} needs a string, not ${got}` };
  }
  if (operator === 'matches') {
    if (typeof value !== 'string') return { code: 'CONDITION_VALUE_TYPE', message: `matches needs a regex string, not ${got}` };
    return regexProblem(value);
  }
  if (NUMBER_OPERATORS.has(operator)) {
    if (typeof value === 'number' && Number.isFinite(value)) return undefined;
    const hint = typeof value === 'string' ? ' (numbers are not quoted)' : '';
    return { code: 'CONDITION_VALUE_TYPE', message: `${operator} needs a number, not ${got}${hint}` };
  }
  if (SEMVER_OPERATORS.has(operator)) {
    if (parseVersion(value) !== null) return undefined;
    const hint = typeof value === 'number' ? ' (quote it: YAML reads 1.2 as a number)' : '';
    return { code: 'CONDITION_SEMVER_INVALID', message: `${operator} needs a semantic version like "1.2.3", not ${got}${hint}` };
  }
  if (DATE_OPERATORS.has(operator)) {
    if (typeof value === 'number' && Number.isFinite(value)) return undefined;
    if (typeof value === 'string' && !Number.isNaN(parseIsoDate(value))) return undefined;
    return {
      code: 'CONDITION_DATE_INVALID',
      message: `${operator} needs an ISO-8601 date or date-time with an offset (2025-01-31 or 2025-01-31T09:00:00Z), not ${got}`,
    };
  }
  return undefined;
}
