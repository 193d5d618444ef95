// The compiled form of one environment of one tenant: what buildSnapshot
// produces and evaluate walks. Everything the hot path needs is precomputed;
// every object of a kind is created by one constructor or factory so V8 sees a
// single shape at each access site.
import type { Range, SemVer } from 'semver';
import type { CidrRange } from './cidr.js';
import type { Condition, FlagType, JsonValue } from '../model/index.js';
import type { HashPrefix } from './bucketing.js';
import type { EvaluationResult } from './types.js';

/** What an attribute condition does, operator negations folded into `negate`. */
export const Op = {
  EXISTS: 0,
  EQUALS: 1,
  IN: 2,
  CONTAINS: 3,
  STARTS_WITH: 4,
  ENDS_WITH: 5,
  MATCHES: 6,
  LT: 7,
  LTE: 8,
  GT: 9,
  GTE: 10,
  SEMVER_EQ: 11,
  SEMVER_LT: 12,
  SEMVER_LTE: 13,
  SEMVER_GT: 14,
  SEMVER_GTE: 15,
  BEFORE: 16,
  AFTER: 17,
  IN_CIDR: 18,
  SEMVER_RANGE: 19,
} as const;
export type OpCode = (typeof Op)[keyof typeof Op];

export const ConditionKind = { ATTRIBUTE: 0, SEGMENT: 1, NEVER: 2 } as const;
export type ConditionKindCode = (typeof ConditionKind)[keyof typeof ConditionKind];

/** The JSON type an equality-style operator expects, or '' when it takes any (exists). */
export type ScalarType = 'string' | 'number' | 'boolean' | '';

export class CompiledCondition {
  kind: ConditionKindCode = ConditionKind.NEVER;
  op: OpCode = Op.EXISTS;
  attribute = '';
  /** The condition's own negate, XOR the operator's (not_equals, not_in). */
  negate = false;
  caseInsensitive = false;
  /** equals: the JSON type the attribute must have. */
  expectedType: ScalarType = '';
  /** equals: the expected scalar; strings lower-cased when caseInsensitive. */
  scalar: string | number | boolean = '';
  /** contains / starts_with / ends_with: the needle (lower-cased when caseInsensitive). */
  text = '';
  /**
   * lt/lte/gt/gte: the bound; before/after: epoch milliseconds. Starts as NaN (a
   * double) so that storing a fraction later does not change the field's
   * representation and with it the hidden class every condition shares.
   */
  number = NaN;
  /** in: accepted strings (lower-cased when caseInsensitive) and numbers; null when the list has none. */
  strings: ReadonlySet<string> | null = null;
  numbers: ReadonlySet<number> | null = null;
  hasTrue = false;
  hasFalse = false;
  /** in: whether the list holds any boolean at all (so a boolean attribute is of the right type). */
  hasBooleans = false;
  regex: RegExp | null = null;
  version: SemVer | null = null;
  /** in_cidr: the ranges, parsed once. */
  cidrs: readonly CidrRange[] | null = null;
  /** semver_range: the npm range, parsed once. */
  range: Range | null = null;
  segment: CompiledSegment | null = null;
  /** Why a NEVER condition can never match (for explain). */
  problem = '';

  constructor(readonly source: Condition) {}
}

export interface CompiledSegment {
  readonly key: string;
  readonly include: ReadonlySet<string> | null;
  readonly exclude: ReadonlySet<string> | null;
  readonly matchAny: boolean;
  readonly conditions: readonly CompiledCondition[];
}

/**
 * A variant ready to serve. `errorMessage` is set when the definition is broken
 * (unknown variant): the off variant (or null) is then served with reason ERROR.
 */
export interface Outcome {
  readonly variant: string | null;
  readonly value: JsonValue;
  readonly errorMessage: string | undefined;
}

export const ServeKind = { FIXED: 0, ROLLOUT: 1 } as const;

/**
 * Answers that do not depend on the context beyond "this was reached" (a fixed
 * variant, a target, disabled, a missing bucketing attribute) are built once at
 * compile time and returned as the same frozen object every time: the hot path
 * allocates only for rollouts, whose result carries the bucket.
 */
export interface CompiledServe {
  readonly kind: (typeof ServeKind)[keyof typeof ServeKind];
  /** The rule's id; undefined for the default. */
  readonly ruleId: string | undefined;
  /** FIXED: the answer. ROLLOUT: the TARGETING_KEY_MISSING answer (off variant). */
  readonly result: EvaluationResult;
  /** ROLLOUT: one outcome per range, in range order (variant names sorted). */
  readonly outcomes: readonly Outcome[];
  /** ROLLOUT: exclusive upper bound of each range, see bucketing.ts. */
  readonly thresholds: readonly number[];
  readonly bucketBy: string;
  /** ROLLOUT: the weights as written, for explain. */
  readonly weights: Readonly<Record<string, number>>;
  /** ROLLOUT: served when no range can take the bucket (no positive weight). */
  readonly emptyOutcome: Outcome;
  /** The schedule this serve was resolved from; null when it is no schedule. */
  readonly schedule: ScheduleState | null;
}

/** Which step of a schedule a serve was resolved to (compile time, at the snapshot's moment). */
export interface ScheduleState {
  /** Index of the step in force; -1 before the first step (the off variant is served). */
  readonly step: number;
  readonly steps: number;
  /** Start of the step in force (epoch ms), when one is. */
  readonly since: number | undefined;
  /** Start of the next step (epoch ms), when there is one. */
  readonly next: number | undefined;
}

export interface CompiledRule {
  readonly id: string;
  readonly conditions: readonly CompiledCondition[];
  readonly serve: CompiledServe;
}

export interface CompiledPrerequisite {
  readonly flagKey: string;
  readonly variant: string;
}

export interface CompiledFlag {
  readonly key: string;
  readonly type: FlagType;
  /** Enabled in this snapshot's environment (false when the environment is not listed). */
  readonly enabled: boolean;
  readonly off: Outcome;
  /** The DISABLED answer. */
  readonly disabledResult: EvaluationResult;
  /** Flags (by key: looked up in the snapshot at evaluation) that must serve a variant first; null when none. */
  readonly prerequisites: readonly CompiledPrerequisite[] | null;
  /** The PREREQUISITE_FAILED answer: the off variant. */
  readonly prerequisiteFailedResult: EvaluationResult;
  /** The INVALID_CONTEXT answer. */
  readonly invalidContextResult: EvaluationResult;
  /** Targeting key to its TARGETING_MATCH answer; null when the flag has no targets here. */
  readonly targets: ReadonlyMap<string, EvaluationResult> | null;
  readonly rules: readonly CompiledRule[];
  /** The environment's `default`, or the off variant when absent. */
  readonly fallback: CompiledServe;
  /** Bucketing hash state after "tenant\nflagKey\nsalt\n". */
  readonly prefix: HashPrefix;
  /** Keys of the segments its rules test (compiled in): a change to one of them recompiles the flag. */
  readonly segments: readonly string[];
}
