// The wire shape of a result (HTTP, `ff eval --json`): snake_case, absent
// fields omitted rather than null, the bucket under details. Built by
// assignment in one fixed order (not object spreads): this runs once per
// evaluation served over HTTP, and spreads allocate and make every
// combination of present fields a shape of its own.
import type { EvaluationResult, WireEvaluation } from './types.js';

const NO_DETAILS: WireEvaluation['details'] = Object.freeze({});

/** `revision` is the snapshot's: a compiled flag is shared by every snapshot it did not change in. */
export function toWire(result: EvaluationResult, revision: number): WireEvaluation {
  const wire = { flag_key: result.flagKey, value: result.value, variant: result.variant, reason: result.reason } as WireEvaluation;
  if (result.ruleId !== undefined) wire.rule_id = result.ruleId;
  if (result.errorCode !== undefined) wire.error_code = result.errorCode;
  if (result.errorMessage !== undefined) wire.error_message = result.errorMessage;
  wire.details = result.bucket === undefined ? NO_DETAILS : { bucket: result.bucket };
  wire.revision = revision;
  return wire;
}
