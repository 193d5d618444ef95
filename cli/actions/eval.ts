import type { ExplainTrace, WireEvaluation } from '../../core/engine/types.js';
import { assertEnvironment, findTenant } from './tenant-lookup.js';
import { loadAndValidate, type ValidationReport } from './validate.js';

/**
 * What `ff eval` shows: the wire answer (exactly what the server's evaluate
 * endpoint returns) and, with --explain, the engine's trace. The remote path
 * (`ff eval --remote`) builds this same value from the server's preview
 * response, so both print through the same renderers and cannot differ.
 */
export interface EvalView {
  tenant: string;
  environment: string;
  evaluation: WireEvaluation;
  trace?: ExplainTrace;
}

export interface LocalEvalRequest {
  dir: string;
  tenant: string;
  environment: string;
  flagKey: string;
  context: unknown;
  explain: boolean;
}

/** Either an answer, or the validation report that stopped us from giving one. */
export type LocalEvalOutcome = { ok: true; view: EvalView } | { ok: false; report: ValidationReport };

/** Local files carry no server revision; snapshots built from them are revision 0. */
export const LOCAL_REVISION = 0;

/**
 * Validates the whole repository (an invalid one is never evaluated, as the
 * server would never accept it), then evaluates one flag with the engine the
 * server runs.
 */
export async function evaluateLocally(request: LocalEvalRequest): Promise<LocalEvalOutcome> {
  const [{ report, tenants }, engine] = await Promise.all([
    loadAndValidate(request.dir),
    import('../../core/engine/index.js'),
  ]);
  if (!report.ok) return { ok: false, report };

  const state = findTenant(tenants, request.tenant);
  assertEnvironment(state, request.environment);
  const snapshot = engine.buildSnapshot(state, request.environment, LOCAL_REVISION);
  const result = engine.evaluate(snapshot, request.flagKey, request.context);
  const view: EvalView = { tenant: request.tenant, environment: request.environment, evaluation: engine.toWire(result, snapshot.revision) };
  if (request.explain) view.trace = engine.explain(snapshot, request.flagKey, request.context);
  return { ok: true, view };
}
