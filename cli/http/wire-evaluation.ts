// An evaluation answer as the engine's WireEvaluation: what the CLI's and the
// console's renderers take, whether the evaluation ran here or on the server.
import type { EvaluationErrorCode, WireEvaluation } from '../../core/engine/types.js';
import type { JsonValue } from '../../core/model/index.js';
import type { EvaluationAnswer } from './api-types.js';

/**
 * The answer with its properties in core/engine/wire.ts's order (the server
 * may serialize them in its schema's order), so --json prints byte for byte
 * what a local evaluation prints.
 */
export function inWireOrder(w: EvaluationAnswer): WireEvaluation {
  return {
    flag_key: w.flag_key,
    // Parsed from JSON, so a JSON value (the schema declares no type for it: any).
    value: w.value as JsonValue,
    variant: w.variant,
    reason: w.reason,
    ...(w.rule_id === undefined ? {} : { rule_id: w.rule_id }),
    // One of the engine's codes (the schema says string).
    ...(w.error_code === undefined ? {} : { error_code: w.error_code as EvaluationErrorCode }),
    ...(w.error_message === undefined ? {} : { error_message: w.error_message }),
    details: w.details.bucket === undefined ? {} : { bucket: w.details.bucket },
    revision: w.revision,
  };
}
