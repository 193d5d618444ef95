// Does a condition's value fit its operator? The verdicts use the engine's own
// parsers (regex, semver, ISO dates), so what validates is what evaluates.
import safeRegex from 'safe-regex2';
import { parseIsoDate } from '../../engine/iso-date.js';
import { compileCidrs } from '../../engine/compile-condition.js';
import { parseRange, parseVersion } from '../../engine/operators.js';
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

// Constructs JavaScript reads differently from PCRE, RE2 (Go) or POSIX: a
// pattern copied from one of those (or from another flag system) would match
// something else here without any error.
const NOT_PORTABLE: ReadonlyArray<{ test: RegExp; what: string }> = [
  { test: /\[\[:[a-z]+:\]\]|\[[^\]]*\[:[a-z]+:\]/, what: 'a POSIX class like [[:alpha:]] is not a class in JavaScript (it is the characters [ : a l p h ] followed by "]"); write [A-Za-z] or \\p{L} instead' },
  { test: /\(\?[imsx-]+:/, what: 'a modifier group like (?i:...) exists only in recent JavaScript engines; older ones and some other engines refuse it: use caseInsensitive: true' },
  { test: /(^|[^\\])(\\\\)*\\[AZz]/, what: '\\A, \\Z and \\z are anchors in PCRE and RE2 but the letters A, Z, z in JavaScript: use ^ and $' },
];
const INLINE_FLAGS = /\(\?[a-zA-Z]+\)/;

/** Why a pattern that compiles here may mean something else elsewhere, if it may. */
export function regexPortabilityProblem(pattern: string): string | undefined {
  return NOT_PORTABLE.find((rule) => rule.test.test(pattern))?.what;
}

function regexProblem(pattern: string): OperandProblem | undefined {
  const compiled = compileRegex(pattern, false);
  if (compiled.ok) {
    const portability = regexPortabilityProblem(pattern);
    return portability === undefined ? undefined : { code: 'REGEX_NOT_PORTABLE', message: `regex ${JSON.stringify(pattern)}: ${portability}` };
  }
  if (pattern.length > MAX_REGEX_LENGTH) return { code: 'REGEX_TOO_LONG', message: compiled.problem };
  try {
    new RegExp(pattern);
  } catch {
    const hint = INLINE_FLAGS.test(pattern) ? '; inline flags like (?i) are not JavaScript: use caseInsensitive: true' : '';
    return { code: 'REGEX_INVALID', message: `${compiled.problem}${hint}` };
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
  if (operator === 'in_cidr') {
    if (compileCidrs(value) !== undefined) return undefined;
    return {
      code: 'CONDITION_CIDR_INVALID',
      message: `in_cidr needs a CIDR range like "10.0.0.0/8" or "2001:db8::/32" (or one address), or a non-empty list of them, not ${got}`,
    };
  }
  if (operator === 'semver_range') {
    if (parseRange(value) !== null) return undefined;
    return { code: 'CONDITION_SEMVER_RANGE_INVALID', message: `semver_range needs a version range as npm reads it ("^1.2.0", "~2.1", ">=1.0.0 <2.0.0 || 3.x"), not ${got}` };
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
