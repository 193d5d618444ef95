import type { EvaluationResult, ExplainTrace, WireEvaluation } from '../../core/engine/types.js';
import { CliError } from '../errors.js';
import type { BulkResponse, PreviewResponse } from '../http/api-types.js';
import type { ApiClient } from '../http/client.js';
import { ServerRefusal } from '../http/server-refusal.js';
import { inWireOrder } from '../http/wire-evaluation.js';
import { messages } from '../messages.js';
import type { EvalView } from './eval.js';

export interface RemoteEvalRequest {
  tenant: string;
  environment: string;
  flagKey: string;
  context: unknown;
  explain: boolean;
}

/** The engine's result object, in the property order core/engine/results.ts builds it (so JSON matches). */
function fromWire(w: WireEvaluation): EvaluationResult {
  return {
    flagKey: w.flag_key,
    value: w.value,
    variant: w.variant,
    reason: w.reason,
    ruleId: w.rule_id,
    bucket: w.details.bucket,
    errorCode: w.error_code,
    errorMessage: w.error_message,
  };
}

/** What explain() records for a flag that does not exist: no step was taken. */
function notFoundTrace(evaluation: WireEvaluation, environment: string): ExplainTrace {
  return {
    flagKey: evaluation.flag_key,
    environment,
    revision: evaluation.revision,
    flagFound: false,
    rules: [],
    served: { by: 'error' },
    result: fromWire(evaluation),
  };
}

/**
 * `ff eval --remote`: the same EvalView the local path builds, from the
 * server's preview endpoint (answer + trace), so both print through the same
 * renderers. The preview answers an unknown flag with 404; the bulk endpoint
 * answers it in-band (FLAG_NOT_FOUND), as the local engine does, so that is
 * what is shown.
 */
export async function evaluateRemotely(client: ApiClient, request: RemoteEvalRequest): Promise<EvalView> {
  const { tenant, environment, flagKey, context } = request;
  const view = (evaluation: WireEvaluation, trace: ExplainTrace): EvalView =>
    request.explain ? { tenant, environment, evaluation, trace } : { tenant, environment, evaluation };
  try {
    const preview = await client.post<PreviewResponse>('/v1/evaluate/preview', {
      tenant,
      body: { flag_key: flagKey, context, environment },
    });
    return view(inWireOrder(preview.result), preview.trace);
  } catch (error) {
    if (!(error instanceof ServerRefusal)) throw error;
    if (error.apiCode === 'NOT_FOUND') {
      throw new CliError('UNKNOWN_ENVIRONMENT', messages.remoteUnknownEnvironment(tenant, environment));
    }
    if (error.apiCode !== 'FLAG_NOT_FOUND') throw error;
  }
  const bulk = await client.post<BulkResponse>('/v1/evaluate/bulk', { tenant, body: { context, environment, flag_keys: [flagKey] } });
  const answer = bulk.results[0];
  if (answer === undefined) throw new CliError('SERVER_ERROR', messages.notOurApi(client.server, 200, 'a bulk answer without results'));
  const evaluation = inWireOrder(answer);
  return view(evaluation, notFoundTrace(evaluation, environment));
}
