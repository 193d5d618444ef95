// The human sentences of an explain trace. Kept apart from the walk so wording
// changes never touch evaluation logic.
import { Op } from './compiled.js';
import type { CompiledCondition } from './compiled.js';
import { MAX_REGEX_INPUT, Test } from './operators.js';
import type { TestResult } from './operators.js';

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return value.length > 10 ? `[${value.slice(0, 10).map(show).join(', ')}, ...]` : `[${value.map(show).join(', ')}]`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** What the operator needs, for "wrong type" sentences. */
function needs(c: CompiledCondition): string {
  switch (c.op) {
    case Op.EQUALS:
      return `a ${c.expectedType}`;
    case Op.IN: {
      const types: string[] = [];
      if (c.strings !== null) types.push('a string');
      if (c.numbers !== null) types.push('a number');
      if (c.hasBooleans) types.push('a boolean');
      return types.length === 1 ? types[0]! : `${types.slice(0, -1).join(', ')} or ${types.at(-1)!}`;
    }
    case Op.LT:
    case Op.LTE:
    case Op.GT:
    case Op.GTE:
      return 'a number (strings are not converted)';
    case Op.SEMVER_EQ:
    case Op.SEMVER_LT:
    case Op.SEMVER_LTE:
    case Op.SEMVER_GT:
    case Op.SEMVER_GTE:
      return 'a semantic version string';
    case Op.SEMVER_RANGE:
      return 'a semantic version string';
    case Op.IN_CIDR:
      return 'an IP address string';
    case Op.BEFORE:
    case Op.AFTER:
      return 'an ISO-8601 date-time string or epoch milliseconds';
    default:
      return 'a string';
  }
}

function whyNotApplicable(c: CompiledCondition, value: unknown): string {
  if (value === undefined) return 'the attribute is missing';
  if (c.op === Op.MATCHES && typeof value === 'string') {
    return `the input is ${value.length} characters long (a regex tests at most ${MAX_REGEX_INPUT})`;
  }
  if (typeof value === 'string' && ((c.op >= Op.SEMVER_EQ && c.op <= Op.SEMVER_GTE) || c.op === Op.SEMVER_RANGE)) return 'it is not a valid semantic version';
  if (typeof value === 'string' && c.op === Op.IN_CIDR) return 'it is not an IPv4 or IPv6 address';
  if (typeof value === 'string' && (c.op === Op.BEFORE || c.op === Op.AFTER)) return 'it is not an ISO-8601 date-time';
  return `it is ${typeName(value)}; ${c.source.operator} needs ${needs(c)}`;
}

/** One sentence: the attribute's value, the test, its outcome, negation. */
export function describeAttributeTest(c: CompiledCondition, value: unknown, test: TestResult, matched: boolean): string {
  const subject = value === undefined ? `${c.attribute} is missing` : `${c.attribute} = ${show(value)}`;
  if (test === Test.NOT_APPLICABLE) return `${subject}: ${whyNotApplicable(c, value)}, so it never matches, negated or not`;
  const sourceNegate = c.source.negate === true;
  const operatorHolds = matched !== sourceNegate;
  const operand = c.source.value === undefined ? '' : ` ${show(c.source.value)}`;
  const caseNote = c.caseInsensitive ? ' (case-insensitive)' : '';
  const verdict = `${c.source.operator}${operand}${caseNote}: ${operatorHolds ? 'yes' : 'no'}`;
  return sourceNegate ? `${subject}; ${verdict}; negated: ${matched ? 'match' : 'no match'}` : `${subject}; ${verdict}`;
}
