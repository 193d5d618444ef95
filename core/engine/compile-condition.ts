// Turns a condition from the definition into a CompiledCondition: operands
// parsed, lower-cased, put in Sets, regexes built. A condition the definition
// gets wrong (unknown segment, value of the wrong shape, bad regex) compiles to
// a NEVER condition that carries the reason: evaluation stays total, and the
// validator reports the mistake separately.
import type { Condition, Operator } from '../model/index.js';
import { CompiledCondition, ConditionKind, Op } from './compiled.js';
import type { CompiledSegment, OpCode } from './compiled.js';
import { parseIsoDate } from './iso-date.js';
import { parseCidr } from './cidr.js';
import type { CidrRange } from './cidr.js';
import { parseRange, parseVersion } from './operators.js';
import { compileRegex } from './regex.js';

type Scalar = string | number | boolean;

const OPERATORS: Readonly<Record<Operator, { op: OpCode; negated: boolean }>> = {
  equals: { op: Op.EQUALS, negated: false },
  not_equals: { op: Op.EQUALS, negated: true },
  in: { op: Op.IN, negated: false },
  not_in: { op: Op.IN, negated: true },
  contains: { op: Op.CONTAINS, negated: false },
  starts_with: { op: Op.STARTS_WITH, negated: false },
  ends_with: { op: Op.ENDS_WITH, negated: false },
  matches: { op: Op.MATCHES, negated: false },
  lt: { op: Op.LT, negated: false },
  lte: { op: Op.LTE, negated: false },
  gt: { op: Op.GT, negated: false },
  gte: { op: Op.GTE, negated: false },
  semver_eq: { op: Op.SEMVER_EQ, negated: false },
  semver_lt: { op: Op.SEMVER_LT, negated: false },
  semver_lte: { op: Op.SEMVER_LTE, negated: false },
  semver_gt: { op: Op.SEMVER_GT, negated: false },
  semver_gte: { op: Op.SEMVER_GTE, negated: false },
  before: { op: Op.BEFORE, negated: false },
  after: { op: Op.AFTER, negated: false },
  exists: { op: Op.EXISTS, negated: false },
  in_cidr: { op: Op.IN_CIDR, negated: false },
  semver_range: { op: Op.SEMVER_RANGE, negated: false },
};

function isScalar(value: unknown): value is Scalar {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

function never(c: CompiledCondition, problem: string): CompiledCondition {
  c.kind = ConditionKind.NEVER;
  c.problem = problem;
  return Object.freeze(c);
}

/**
 * Compiles one condition. `segments` is null inside a segment, where segment
 * conditions are not allowed (segments cannot reference segments).
 */
export function compileCondition(
  source: Condition,
  segments: ReadonlyMap<string, CompiledSegment> | null,
): CompiledCondition {
  const c = new CompiledCondition(source);
  if (typeof source !== 'object' || source === null) return never(c, 'condition is not an object');
  c.negate = source.negate === true;
  const hasAttribute = source.attribute !== undefined;
  if (source.segment !== undefined) {
    if (hasAttribute || source.operator !== undefined) {
      return never(c, 'a condition tests either an attribute or a segment, not both');
    }
    if (segments === null) return never(c, 'segments cannot reference other segments');
    const segment = segments.get(String(source.segment));
    if (segment === undefined) return never(c, `unknown segment "${String(source.segment)}"`);
    c.kind = ConditionKind.SEGMENT;
    c.segment = segment;
    return Object.freeze(c);
  }
  if (typeof source.attribute !== 'string' || source.attribute.length === 0) {
    return never(c, 'condition names neither an attribute nor a segment');
  }
  const spec =
    typeof source.operator === 'string' && Object.hasOwn(OPERATORS, source.operator) ? OPERATORS[source.operator] : undefined;
  if (spec === undefined) return never(c, `unknown operator "${String(source.operator)}"`);
  c.kind = ConditionKind.ATTRIBUTE;
  c.attribute = source.attribute;
  c.op = spec.op;
  c.negate = c.negate !== spec.negated;
  c.caseInsensitive = source.caseInsensitive === true;
  const problem = compileOperand(c, source.value);
  return problem === undefined ? Object.freeze(c) : never(c, problem);
}

/** Fills the operand fields for the operator; returns a problem when the value does not fit it. */
function compileOperand(c: CompiledCondition, value: unknown): string | undefined {
  const lower = (text: string): string => (c.caseInsensitive ? text.toLowerCase() : text);
  switch (c.op) {
    case Op.EXISTS:
      return undefined;
    case Op.EQUALS:
      if (!isScalar(value)) return 'equals needs a string, number or boolean value';
      c.expectedType = typeof value as 'string' | 'number' | 'boolean';
      c.scalar = typeof value === 'string' ? lower(value) : value;
      return undefined;
    case Op.IN:
      return compileList(c, value, lower);
    case Op.CONTAINS:
    case Op.STARTS_WITH:
    case Op.ENDS_WITH:
      if (typeof value !== 'string') return 'this operator needs a string value';
      c.text = lower(value);
      return undefined;
    case Op.MATCHES: {
      if (typeof value !== 'string') return 'matches needs a regex string';
      const compiled = compileRegex(value, c.caseInsensitive);
      if (!compiled.ok) return compiled.problem;
      c.regex = compiled.regex;
      return undefined;
    }
    case Op.LT:
    case Op.LTE:
    case Op.GT:
    case Op.GTE:
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'this operator needs a number value';
      c.number = value;
      return undefined;
    case Op.SEMVER_EQ:
    case Op.SEMVER_LT:
    case Op.SEMVER_LTE:
    case Op.SEMVER_GT:
    case Op.SEMVER_GTE:
      c.version = parseVersion(value);
      return c.version === null ? 'this operator needs a semantic version value' : undefined;
    case Op.IN_CIDR: {
      const ranges = compileCidrs(value);
      if (ranges === undefined) return 'in_cidr needs a CIDR range ("10.0.0.0/8", "2001:db8::/32") or a list of them';
      c.cidrs = ranges;
      return undefined;
    }
    case Op.SEMVER_RANGE:
      c.range = parseRange(value);
      return c.range === null ? 'semver_range needs a version range as npm reads it ("^1.2.0", "~2.1", ">=1.0.0 <2.0.0 || 3.x")' : undefined;
    case Op.BEFORE:
    case Op.AFTER:
      c.number = typeof value === 'number' && Number.isFinite(value) ? value : typeof value === 'string' ? parseIsoDate(value) : NaN;
      return Number.isNaN(c.number) ? 'this operator needs an ISO-8601 date-time value' : undefined;
  }
}

/** One CIDR string or a non-empty list of them, each valid; undefined otherwise. */
export function compileCidrs(value: unknown): readonly CidrRange[] | undefined {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const ranges: CidrRange[] = [];
  for (const item of list) {
    const range = typeof item === 'string' ? parseCidr(item) : undefined;
    if (range === undefined) return undefined;
    ranges.push(range);
  }
  return Object.freeze(ranges);
}

function compileList(c: CompiledCondition, value: unknown, lower: (text: string) => string): string | undefined {
  if (!Array.isArray(value) || !value.every(isScalar)) return 'in/not_in need a list of strings, numbers or booleans';
  const strings = new Set<string>();
  const numbers = new Set<number>();
  for (const item of value as Scalar[]) {
    if (typeof item === 'string') strings.add(lower(item));
    else if (typeof item === 'number') numbers.add(item);
    else if (item) c.hasTrue = true;
    else c.hasFalse = true;
  }
  if (value.length === 0) {
    // Nothing is in an empty list: every scalar is tested (and found absent),
    // so `in: []` never matches and `not_in: []` matches any string, number or
    // boolean — what other engines' suites expect. A missing attribute still
    // matches neither (docs/evaluation.md).
    c.strings = strings;
    c.numbers = numbers;
    c.hasBooleans = true;
    return undefined;
  }
  c.strings = strings.size > 0 ? strings : null;
  c.numbers = numbers.size > 0 ? numbers : null;
  c.hasBooleans = c.hasTrue || c.hasFalse;
  return undefined;
}
