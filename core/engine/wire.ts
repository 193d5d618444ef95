// The wire shape of a result (HTTP, `ff eval --json`): snake_case, absent
// fields omitted rather than null, the bucket under details.
import type { EvaluationResult, WireEvaluation } from './types.js';

/** `revision` is the snapshot's: a compiled flag is shared by every snapshot it did not change in. */
export function toWire(result: EvaluationResult, revision: number): WireEvaluation {
  return {
    flag_key: result.flagKey,
    value: result.value,
    variant: result.variant,
    reason: result.reason,
    ...(result.ruleId === undefined ? {} : { rule_id: result.ruleId }),
    ...(result.errorCode === undefined ? {} : { error_code: result.errorCode }),
    ...(result.errorMessage === undefined ? {} : { error_message: result.errorMessage }),
    details: result.bucket === undefined ? {} : { bucket: result.bucket },
    revision,
  };
}
