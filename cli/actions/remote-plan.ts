import type { ApplyRequest, Commit, Plan, StateDelta, StateManifest } from '../../core/model/schema-types.js';
import type { TenantState } from '../../core/model/index.js';
import { CliError } from '../errors.js';
import type { ApiClient } from '../http/client.js';
import type { ApplyResponse, PlanResponse, StateResponse } from '../http/api-types.js';
import { ServerRefusal } from '../http/server-refusal.js';
import { messages } from '../messages.js';
import { loadDesiredState } from './desired-state.js';
import type { ValidationReport } from './validate.js';

export interface PlanRequest {
  dir: string;
  tenant: string;
  environments: string[] | null;
  client: ApiClient;
}

export type PlanOutcome =
  | { ok: false; report: ValidationReport }
  | { ok: true; report: ValidationReport; plan: Plan; desired: TenantState; filesHash: () => string };

export function fetchState(client: ApiClient, tenant: string): Promise<StateResponse> {
  return client.get<StateResponse>('/v1/state', { tenant });
}

/** schemas/plan.schema.json: consumers must reject plan versions they do not know. */
function checkPlanVersion(client: ApiClient, plan: Plan | undefined): Plan {
  const version = (plan as { format_version?: unknown } | undefined)?.format_version;
  if (version !== 1) throw new CliError('SERVER_ERROR', messages.planVersionUnknown(client.server, version));
  return plan as Plan;
}

export interface PlanCall {
  tenant: string;
  state: TenantState;
  environments: string[] | null;
}

/** How often a plan is retried when the tenant moved between the manifest and the plan request. */
const PLAN_ATTEMPTS = 3;

export function fetchManifest(client: ApiClient, tenant: string, signal?: AbortSignal): Promise<StateManifest> {
  return client.get<StateManifest>('/v1/state/manifest', { tenant, ...(signal === undefined ? {} : { signal }) });
}

/**
 * The desired state as a change to the server's state the manifest
 * describes: the documents whose content hash differs (or that the server
 * lacks), the keys the files no longer declare, and the whole environments
 * list and name. The server plans it exactly as the whole state; the request
 * carries O(change), not O(tenant).
 */
export async function deltaOf(state: TenantState, manifest: StateManifest): Promise<StateDelta> {
  const { contentHash } = await import('../../core/diff/index.js');
  // A document the server lacks is changed without hashing it (every one, when the tenant is empty).
  const changed = <T extends { key: string }>(docs: readonly T[], hashes: StateManifest['flags']) =>
    docs.filter((d) => {
      const held = hashes[d.key];
      return held === undefined || held !== contentHash(d);
    });
  const absent = (docs: readonly { key: string }[], hashes: StateManifest['flags']) => {
    const declared = new Set(docs.map((d) => d.key));
    return Object.keys(hashes).filter((key) => !declared.has(key));
  };
  const delta: StateDelta = {
    environments: state.environments,
    upsert: { flags: changed(state.flags, manifest.flags), segments: changed(state.segments, manifest.segments) },
    delete: { flags: absent(state.flags, manifest.flags), segments: absent(state.segments, manifest.segments) },
  };
  // Experiments only when there are some, on either side: a server without them refuses the field.
  const experiments = state.experiments ?? [];
  const held = manifest.experiments ?? {};
  if (experiments.length > 0 || Object.keys(held).length > 0) {
    delta.upsert.experiments = changed(experiments, held);
    delta.delete.experiments = absent(experiments, held);
  }
  if (state.name !== undefined) delta.name = state.name;
  return delta;
}

const isStale = (error: unknown) => error instanceof ServerRefusal && error.apiCode === 'STALE_PLAN';

/**
 * One POST /v1/plan: what applying `state` would change now, computed by the
 * server, written nowhere. Sent as a delta against the manifest (`first`:
 * one already requested, else read now); if the tenant moved in between, the
 * manifest is read again.
 */
export async function postPlan(client: ApiClient, call: PlanCall, first?: Promise<StateManifest>): Promise<Plan> {
  for (let attempt = 1; ; attempt++) {
    const manifest = await (attempt === 1 && first !== undefined ? first : fetchManifest(client, call.tenant));
    const body = { delta: await deltaOf(call.state, manifest), base_revision: manifest.revision, environments: call.environments };
    try {
      const response = await client.post<PlanResponse>('/v1/plan', { tenant: call.tenant, body });
      return checkPlanVersion(client, response.plan);
    } catch (error) {
      if (!isStale(error) || attempt >= PLAN_ATTEMPTS) throw error;
    }
  }
}

export interface ApplyCall extends PlanCall {
  /** The revision and plan_hash of the plan that was shown or reviewed: the server refuses any other. */
  baseRevision: number;
  planHash: string;
  allowDelete: boolean;
  /** Also delete flags still in use (the server refuses them otherwise). */
  allowInUse: boolean;
  commit: Commit;
}

/**
 * One POST /v1/apply of exactly the plan identified by (baseRevision,
 * planHash), sent as a delta against the manifest. The server accepts it only
 * at baseRevision; had the tenant moved since the manifest was read, it is no
 * longer at baseRevision either, and the apply is refused as stale.
 */
export async function postApply(client: ApiClient, call: ApplyCall): Promise<ApplyResponse> {
  const manifest = await fetchManifest(client, call.tenant);
  const body: ApplyRequest = {
    delta: await deltaOf(call.state, manifest),
    environments: call.environments as ApplyRequest['environments'],
    base_revision: call.baseRevision,
    expected_plan_hash: call.planHash,
    dry_run: false,
    allow_delete: call.allowDelete,
    ...(call.allowInUse ? { allow_delete_in_use: true } : {}),
    commit: call.commit,
  };
  const response = await client.post<ApplyResponse>('/v1/apply', { tenant: call.tenant, body });
  checkPlanVersion(client, response.plan);
  return response;
}

/**
 * `ff plan`: validate the files and ask the server for the plan. The plan
 * shown is the server's answer, computed against its current revision (which
 * the plan names as base_revision), in the same transaction an apply would
 * run in (ADR 0002), not a local guess. Deletions are planned so they show;
 * apply still refuses them without --allow-delete.
 */
export async function planRemote(request: PlanRequest): Promise<PlanOutcome> {
  // The tenant is known before the files are read, so the manifest is
  // requested while they are loaded and validated: the wait hides under
  // validation. Its outcome, an error included, is looked at only once the
  // files passed (the same errors, in the same order, as reading it after);
  // otherwise the request is ended so the process does not wait for it.
  const unwanted = new AbortController();
  const manifest = fetchManifest(request.client, request.tenant, unwanted.signal);
  manifest.catch(() => undefined);
  const desired = await loadDesiredState(request.dir, request.tenant, request.environments).catch((error: unknown) => {
    unwanted.abort();
    throw error;
  });
  if (!desired.ok) {
    unwanted.abort();
    return desired;
  }
  const plan = await postPlan(request.client, { tenant: request.tenant, state: desired.state, environments: request.environments }, manifest);
  return { ok: true, report: desired.report, plan, desired: desired.state, filesHash: desired.filesHash };
}
