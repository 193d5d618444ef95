import type { FlagType, JsonValue } from '../model/index.js';

/**
 * OpenFeature resolution reasons, used verbatim, plus ff's own
 * PREREQUISITE_FAILED (OpenFeature allows provider-specific reasons): a
 * prerequisite flag did not serve its required variant, so the off variant is served.
 */
export type Reason = 'STATIC' | 'DEFAULT' | 'TARGETING_MATCH' | 'SPLIT' | 'DISABLED' | 'ERROR' | 'PREREQUISITE_FAILED';

/** OpenFeature error codes, used verbatim. */
export type EvaluationErrorCode =
  | 'FLAG_NOT_FOUND'
  | 'TARGETING_KEY_MISSING'
  | 'INVALID_CONTEXT'
  | 'TYPE_MISMATCH'
  | 'PARSE_ERROR'
  | 'GENERAL';

/** OpenFeature-style context: a targeting key plus arbitrary attributes. */
export interface EvaluationContext {
  targetingKey?: unknown;
  [attribute: string]: unknown;
}

/**
 * The answer for one flag. On error, `value`/`variant` hold the flag's off
 * variant when the flag exists (null for FLAG_NOT_FOUND) and `reason` is ERROR.
 */
export interface EvaluationResult {
  flagKey: string;
  value: JsonValue;
  variant: string | null;
  reason: Reason;
  ruleId?: string;
  bucket?: number;
  errorCode?: EvaluationErrorCode;
  errorMessage?: string;
}

/** The wire shape (HTTP and `ff eval --json`): snake_case, as docs/api.md documents it. */
export interface WireEvaluation {
  flag_key: string;
  value: JsonValue;
  variant: string | null;
  reason: Reason;
  rule_id?: string;
  error_code?: EvaluationErrorCode;
  error_message?: string;
  details: { bucket?: number };
  revision: number;
}

export interface ConditionTrace {
  index: number;
  kind: 'attribute' | 'segment';
  matched: boolean;
  /** Human explanation: "plan = \"pro\", expected equals \"enterprise\"", "attribute missing", ... */
  explanation: string;
  attribute?: string;
  operator?: string;
  expected?: JsonValue;
  actual?: JsonValue;
  negate?: boolean;
  segment?: SegmentTrace;
}

export interface SegmentTrace {
  key: string;
  matched: boolean;
  via: 'exclude' | 'include' | 'conditions' | 'no-conditions';
  match?: 'all' | 'any';
  conditions?: ConditionTrace[];
}

/** One prerequisite as explain saw it: what it had to serve, and its own evaluation. */
export interface PrerequisiteTrace {
  flag: string;
  variant: string;
  met: boolean;
  /** Why it was not met, when it was not. */
  problem?: string;
  /** The prerequisite's own evaluation (absent when the flag does not exist or may not be a prerequisite). */
  trace?: ExplainTrace;
}

export interface RuleTrace {
  index: number;
  ruleId: string;
  matched: boolean;
  /** Conditions evaluated in order; evaluation stops at the first that fails (all-of). */
  conditions: ConditionTrace[];
}

/** Everything tried to reach a result, for `--explain` and the preview endpoint. */
export interface ExplainTrace {
  flagKey: string;
  environment: string;
  revision: number;
  flagFound: boolean;
  enabled?: boolean;
  /** The prerequisites checked, in order; checking stops at the first not met. */
  prerequisites?: PrerequisiteTrace[];
  target?: { matched: boolean; variant?: string };
  rules: RuleTrace[];
  /** What finally served the value. */
  served?: {
    by: 'off' | 'prerequisite' | 'target' | 'rule' | 'default' | 'error';
    ruleId?: string;
    variant?: string | null;
    rollout?: { bucketBy: string; bucketValue?: string; bucket?: number; weights: Record<string, number> };
    /** The serve is a schedule: the step in force (1-based; 0 before the first) and when it started and the next starts (ISO-8601). */
    schedule?: { step: number; steps: number; since?: string; next?: string };
  };
  result: EvaluationResult;
}

/** What a compiled snapshot tells about itself (the class is `Snapshot` in core/engine). */
export interface SnapshotInfo {
  readonly tenant: string;
  readonly environment: string;
  readonly revision: number;
  /** Every flag key, in code-unit order. */
  flagKeys(): readonly string[];
  hasFlag(key: string): boolean;
  flagType(key: string): FlagType | undefined;
}
