// Building results: shared by evaluate and explain so both answer identically.
// Every result is created by makeResult with all nine properties in one order,
// so every result object has the same shape (absent ones are undefined).
import type { JsonValue } from '../model/index.js';
import { bucketOf, pickRolloutIndex } from './bucketing.js';
import { ServeKind } from './compiled.js';
import type { CompiledFlag, CompiledServe, Outcome } from './compiled.js';
import type { EvaluationErrorCode, EvaluationResult, Reason } from './types.js';

export function makeResult(
  flagKey: string,
  value: JsonValue,
  variant: string | null,
  reason: Reason,
  ruleId: string | undefined,
  bucket: number | undefined,
  errorCode: EvaluationErrorCode | undefined,
  errorMessage: string | undefined,
): EvaluationResult {
  return { flagKey, value, variant, reason, ruleId, bucket, errorCode, errorMessage };
}

/** Serves an outcome; a broken one (unknown variant) turns the answer into ERROR / GENERAL. */
export function outcomeResult(
  flagKey: string,
  outcome: Outcome,
  reason: Reason,
  ruleId: string | undefined,
  bucket: number | undefined,
): EvaluationResult {
  if (outcome.errorMessage !== undefined) {
    return makeResult(flagKey, outcome.value, outcome.variant, 'ERROR', ruleId, bucket, 'GENERAL', outcome.errorMessage);
  }
  return makeResult(flagKey, outcome.value, outcome.variant, reason, ruleId, bucket, undefined, undefined);
}

/**
 * The string a rollout hashes: the attribute when it is a non-empty string, a
 * finite number in its ECMAScript shortest round-trip form (String(n)), and
 * undefined (TARGETING_KEY_MISSING) for anything else.
 */
export function bucketingValue(context: Readonly<Record<string, unknown>>, attribute: string): string | undefined {
  // Its own keyed load (not readAttribute's) so its inline cache stays monomorphic;
  // only strings and numbers count, so nothing inherited from a prototype can pass.
  const value = context[attribute];
  if (typeof value === 'string') return value.length > 0 ? value : undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** What a serve (a rule's, or the default) answers for this context. */
export function serveResult(
  flag: CompiledFlag,
  serve: CompiledServe,
  context: Readonly<Record<string, unknown>>,
): EvaluationResult {
  if (serve.kind === ServeKind.FIXED) return serve.result;
  const value = bucketingValue(context, serve.bucketBy);
  if (value === undefined) return serve.result;
  const bucket = bucketOf(flag.prefix, value);
  const index = pickRolloutIndex(serve.thresholds, bucket);
  return outcomeResult(flag.key, index < 0 ? serve.emptyOutcome : serve.outcomes[index]!, 'SPLIT', serve.ruleId, bucket);
}

export function flagNotFound(flagKey: string): EvaluationResult {
  return makeResult(flagKey, null, null, 'ERROR', undefined, undefined, 'FLAG_NOT_FOUND', `flag "${flagKey}" does not exist`);
}

export const INVALID_CONTEXT_MESSAGE = 'the evaluation context must be a JSON object';

/** A context is a plain JSON-style object: not null, not an array, not a primitive. */
export function isContextObject(context: unknown): context is Readonly<Record<string, unknown>> {
  return typeof context === 'object' && context !== null && !Array.isArray(context);
}
