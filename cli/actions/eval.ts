import type { ExplainTrace, WireEvaluation } from '../../core/engine/types.js';
import { assertEnvironment, findTenant } from './tenant-lookup.js';
import { loadAndValidateTenant, type ValidationReport } from './validate.js';

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
  /** For FLAG_NOT_FOUND from local files: the tenant's flag key nearest the one asked for (a likely typo). */
  didYouMean?: string;
}

export interface LocalEvalRequest {
  dir: string;
  tenant: string;
  environment: string;
  flagKey: string;
  context: unknown;
  explain: boolean;
  /** The moment (epoch ms) schedules are resolved at: the CLI's clock, or --at. */
  at: number;
}

/** Either an answer, or the validation report that stopped us from giving one. */
export type LocalEvalOutcome = { ok: true; view: EvalView } | { ok: false; report: ValidationReport };

/** Local files carry no server revision; snapshots built from them are revision 0. */
export const LOCAL_REVISION = 0;

/**
 * Validates the tenant's files (an invalid tenant is never evaluated, as the
 * server would never accept it; other tenants' files do not matter), then
 * evaluates one flag with the engine the server runs.
 */
export async function evaluateLocally(request: LocalEvalRequest): Promise<LocalEvalOutcome> {
  const [{ report, tenants }, engine] = await Promise.all([
    loadAndValidateTenant(request.dir, request.tenant),
    import('../../core/engine/index.js'),
  ]);
  if (!report.ok) return { ok: false, report };

  const state = findTenant(tenants, request.tenant);
  assertEnvironment(state, request.environment);
  const snapshot = engine.buildSnapshot(state, request.environment, LOCAL_REVISION, { at: request.at });
  const result = engine.evaluate(snapshot, request.flagKey, request.context);
  const view: EvalView = { tenant: request.tenant, environment: request.environment, evaluation: engine.toWire(result, snapshot.revision) };
  if (request.explain) view.trace = engine.explain(snapshot, request.flagKey, request.context);
  if (result.errorCode === 'FLAG_NOT_FOUND') {
    const { closest } = await import('../../core/validation/suggest.js');
    const suggestion = closest(request.flagKey, state.flags.map((f) => f.key));
    if (suggestion !== undefined) view.didYouMean = suggestion;
  }
  return { ok: true, view };
}
