// Matching compiled conditions and segments against a context: the innermost
// loop of evaluation. Shared by evaluate and explain so the two cannot disagree.
import semver from 'semver';
import type { Range, SemVer } from 'semver';
import { inAnyRange, parseAddress } from './cidr.js';
import { ConditionKind, Op } from './compiled.js';
import type { CompiledCondition, CompiledSegment } from './compiled.js';
import { parseIsoDate } from './iso-date.js';

/** A condition's test outcome before negation. */
export const Test = {
  /** Missing attribute, wrong type, unusable input: never matches, negated or not. */
  NOT_APPLICABLE: -1,
  FALSE: 0,
  TRUE: 1,
} as const;
export type TestResult = (typeof Test)[keyof typeof Test];

/** Regex inputs longer than this never match (bounds the work of one test). */
export const MAX_REGEX_INPUT = 4096;
/** semver's own limit; longer strings are not versions. */
const MAX_SEMVER_LENGTH = 256;

const OBJECT_PROTOTYPE: unknown = Object.prototype;

/**
 * A top-level attribute of the context. What a plain property read finds on
 * Object.prototype is a function, or Object.prototype itself for "__proto__";
 * neither is a JSON value, so both count as missing and an attribute named
 * "constructor" or "toString" is not found on the prototype. (Object.hasOwn
 * would say the same but costs more than the rest of a condition test.)
 */
export function readAttribute(context: Readonly<Record<string, unknown>>, name: string): unknown {
  const value = context[name];
  return typeof value === 'function' || value === OBJECT_PROTOTYPE ? undefined : value;
}

/**
 * A semantic version as the semver operators accept it: a string, a leading
 * `v` allowed, no surrounding whitespace (semver.parse would trim it), no loose forms.
 */
export function parseVersion(value: unknown): SemVer | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_SEMVER_LENGTH) return null;
  if (value.trim() !== value) return null;
  return semver.parse(value);
}

/** Longest range text accepted (npm's own ranges are short; this bounds the parse). */
const MAX_RANGE_LENGTH = 256;

/**
 * A version range as npm's semver reads it (^, ~, x-ranges, hyphen ranges,
 * ||), strict (no loose forms); null when it is not one.
 */
export function parseRange(value: unknown): Range | null {
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_RANGE_LENGTH) return null;
  try {
    return new semver.Range(value);
  } catch {
    return null;
  }
}

/** fastVersionOrder's answer when the fast path does not apply. */
export const NOT_PLAIN_VERSION = 2;

/**
 * Orders a plain release version `[v]MAJOR.MINOR.PATCH` (canonical digits, at
 * most 15 per part, so always a safe integer) against a parsed version, without
 * allocating: -1, 0 or 1, exactly as semver's compare would. Anything else
 * (prerelease, build metadata, leading zeros, not a version) returns
 * NOT_PLAIN_VERSION and is left to the semver package. App versions in contexts
 * are nearly always plain, so this keeps semver.parse off the hot path.
 */
export function fastVersionOrder(value: string, expected: SemVer): number {
  const n = value.length;
  let i = n > 0 && value.charCodeAt(0) === 0x76 /* v */ ? 1 : 0;
  let major = 0;
  let minor = 0;
  let patch = 0;
  for (let part = 0; part < 3; part++) {
    const start = i;
    let number = 0;
    for (; i < n; i++) {
      const c = value.charCodeAt(i);
      if (c < 0x30 || c > 0x39) break;
      number = number * 10 + (c - 0x30);
    }
    const digits = i - start;
    if (digits === 0 || digits > 15 || (digits > 1 && value.charCodeAt(start) === 0x30)) return NOT_PLAIN_VERSION;
    if (part < 2) {
      if (i >= n || value.charCodeAt(i) !== 0x2e /* . */) return NOT_PLAIN_VERSION;
      i++;
    }
    if (part === 0) major = number;
    else if (part === 1) minor = number;
    else patch = number;
  }
  if (i !== n) return NOT_PLAIN_VERSION;
  if (major !== expected.major) return major < expected.major ? -1 : 1;
  if (minor !== expected.minor) return minor < expected.minor ? -1 : 1;
  if (patch !== expected.patch) return patch < expected.patch ? -1 : 1;
  // Same release: a release is greater than any of its prereleases.
  return expected.prerelease.length > 0 ? 1 : 0;
}

/** Epoch milliseconds of a context value for before/after: an ISO-8601 string or a finite number. */
export function toEpochMillis(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : NaN;
  if (typeof value === 'string') return parseIsoDate(value);
  return NaN;
}

function bool(value: boolean): TestResult {
  return value ? Test.TRUE : Test.FALSE;
}

/** Tests an attribute condition's operator against a value (undefined when missing), ignoring negate. */
export function testAttribute(c: CompiledCondition, value: unknown): TestResult {
  switch (c.op) {
    case Op.EXISTS:
      return bool(value !== undefined && value !== null);
    case Op.EQUALS:
      if (typeof value !== c.expectedType) return Test.NOT_APPLICABLE;
      if (c.caseInsensitive && typeof value === 'string') return bool(value.toLowerCase() === c.scalar);
      return bool(value === c.scalar);
    case Op.IN:
      if (typeof value === 'string') {
        if (c.strings === null) return Test.NOT_APPLICABLE;
        return bool(c.strings.has(c.caseInsensitive ? value.toLowerCase() : value));
      }
      if (typeof value === 'number') {
        if (c.numbers === null) return Test.NOT_APPLICABLE;
        return bool(c.numbers.has(value));
      }
      if (typeof value === 'boolean') {
        if (!c.hasBooleans) return Test.NOT_APPLICABLE;
        return bool(value ? c.hasTrue : c.hasFalse);
      }
      return Test.NOT_APPLICABLE;
    case Op.CONTAINS:
      if (typeof value !== 'string') return Test.NOT_APPLICABLE;
      return bool((c.caseInsensitive ? value.toLowerCase() : value).includes(c.text));
    case Op.STARTS_WITH:
      if (typeof value !== 'string') return Test.NOT_APPLICABLE;
      return bool((c.caseInsensitive ? value.toLowerCase() : value).startsWith(c.text));
    case Op.ENDS_WITH:
      if (typeof value !== 'string') return Test.NOT_APPLICABLE;
      return bool((c.caseInsensitive ? value.toLowerCase() : value).endsWith(c.text));
    case Op.MATCHES:
      if (typeof value !== 'string' || value.length > MAX_REGEX_INPUT) return Test.NOT_APPLICABLE;
      return bool(c.regex!.test(value));
    case Op.LT:
    case Op.LTE:
    case Op.GT:
    case Op.GTE:
      if (typeof value !== 'number' || Number.isNaN(value)) return Test.NOT_APPLICABLE;
      return compareNumber(c.op, value, c.number);
    case Op.SEMVER_EQ:
    case Op.SEMVER_LT:
    case Op.SEMVER_LTE:
    case Op.SEMVER_GT:
    case Op.SEMVER_GTE: {
      if (typeof value !== 'string') return Test.NOT_APPLICABLE;
      const order = fastVersionOrder(value, c.version!);
      if (order !== NOT_PLAIN_VERSION) return compareOrder(c.op, order);
      const version = parseVersion(value);
      if (version === null) return Test.NOT_APPLICABLE;
      return compareOrder(c.op, version.compare(c.version!));
    }
    case Op.IN_CIDR: {
      if (typeof value !== 'string') return Test.NOT_APPLICABLE;
      const address = parseAddress(value);
      if (address === undefined) return Test.NOT_APPLICABLE;
      return bool(inAnyRange(address, c.cidrs!));
    }
    case Op.SEMVER_RANGE: {
      const version = parseVersion(value);
      if (version === null) return Test.NOT_APPLICABLE;
      return bool(c.range!.test(version));
    }
    case Op.BEFORE:
    case Op.AFTER: {
      const millis = toEpochMillis(value);
      if (Number.isNaN(millis)) return Test.NOT_APPLICABLE;
      return bool(c.op === Op.BEFORE ? millis < c.number : millis > c.number);
    }
  }
}

function compareNumber(op: number, actual: number, bound: number): TestResult {
  if (op === Op.LT) return bool(actual < bound);
  if (op === Op.LTE) return bool(actual <= bound);
  if (op === Op.GT) return bool(actual > bound);
  return bool(actual >= bound);
}

/** Semver operators from a compare() result (-1, 0, 1). */
function compareOrder(op: number, order: number): TestResult {
  if (op === Op.SEMVER_EQ) return bool(order === 0);
  if (op === Op.SEMVER_LT) return bool(order < 0);
  if (op === Op.SEMVER_LTE) return bool(order <= 0);
  if (op === Op.SEMVER_GT) return bool(order > 0);
  return bool(order >= 0);
}

/** Whether a condition matches, negation and the never-matches rules applied. */
export function conditionMatches(c: CompiledCondition, context: Readonly<Record<string, unknown>>): boolean {
  if (c.kind === ConditionKind.ATTRIBUTE) {
    // readAttribute inlined by hand: this keyed load gets its own inline cache,
    // which stays monomorphic while the conditions test the same attribute.
    const raw = context[c.attribute];
    // The commonest test, exact equality, answered here without the call.
    if (c.op === Op.EQUALS && !c.caseInsensitive) return typeof raw === c.expectedType && (raw === c.scalar) !== c.negate;
    const value = typeof raw === 'function' || raw === OBJECT_PROTOTYPE ? undefined : raw;
    const result = testAttribute(c, value);
    return result === Test.NOT_APPLICABLE ? false : (result === Test.TRUE) !== c.negate;
  }
  if (c.kind === ConditionKind.SEGMENT) return isSegmentMember(c.segment!, context) !== c.negate;
  return false;
}

/** All of a rule's conditions match (true for none). */
export function allConditionsMatch(
  conditions: readonly CompiledCondition[],
  context: Readonly<Record<string, unknown>>,
): boolean {
  for (let i = 0; i < conditions.length; i++) {
    if (!conditionMatches(conditions[i]!, context)) return false;
  }
  return true;
}

/** How a segment decided membership (the order of the checks, docs/flags-format.md "Segments"). */
export type MembershipVia = 'exclude' | 'include' | 'conditions' | 'no-conditions';

/** Which list (if any) decides membership before the conditions are looked at. */
export function membershipByList(segment: CompiledSegment, targetingKey: unknown): MembershipVia | undefined {
  if (typeof targetingKey !== 'string') return undefined;
  if (segment.exclude !== null && segment.exclude.has(targetingKey)) return 'exclude';
  if (segment.include !== null && segment.include.has(targetingKey)) return 'include';
  return undefined;
}

export function isSegmentMember(segment: CompiledSegment, context: Readonly<Record<string, unknown>>): boolean {
  // Only a string counts, so what the prototype could supply never passes.
  const via = membershipByList(segment, context.targetingKey);
  if (via !== undefined) return via === 'include';
  const conditions = segment.conditions;
  if (conditions.length === 0) return false;
  if (segment.matchAny) {
    for (let i = 0; i < conditions.length; i++) {
      if (conditionMatches(conditions[i]!, context)) return true;
    }
    return false;
  }
  return allConditionsMatch(conditions, context);
}
