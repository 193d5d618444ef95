import type { ManifestBuckets, ResourceKind } from '../../core/diff/index.js';
import type { ApplyRequest, Commit, Plan, StateDelta, StateManifest, StateManifestRequest } from '../../core/model/schema-types.js';
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

/** The desired state's content hashes in buckets: computed once per state object (ff apply plans, then applies, the same state). */
const localManifests = new WeakMap<TenantState, ManifestBuckets>();

async function localManifest(state: TenantState): Promise<ManifestBuckets> {
  let local = localManifests.get(state);
  if (local === undefined) {
    const { manifestBucketsOf } = await import('../../core/diff/index.js');
    local = manifestBucketsOf(state);
    localManifests.set(state, local);
  }
  return local;
}

/**
 * The server's manifest of what may differ from `state`: POST
 * /v1/state/manifest with the state's bucket digests, answered with the
 * documents of the differing buckets only (a one-flag change moves one
 * bucket, whatever the tenant's size). A server without that route (older
 * than this CLI) answers 404: then the whole manifest.
 */
export async function fetchManifest(client: ApiClient, tenant: string, state: TenantState): Promise<StateManifest> {
  const body: StateManifestRequest = { buckets: (await localManifest(state)).digestList() };
  try {
    return await client.post<StateManifest>('/v1/state/manifest', { tenant, body });
  } catch (error) {
    if (!(error instanceof ServerRefusal && (error.status === 404 || error.status === 405))) throw error;
    return client.get<StateManifest>('/v1/state/manifest', { tenant });
  }
}

/**
 * The desired state as a change to the server's state the manifest
 * describes: the documents whose content hash differs (or that the server
 * lacks), the keys the files no longer declare, and the whole environments
 * list and name; a manifest of some buckets only speaks for the documents
 * in them, every other bucket being the same on both sides. The server
 * plans it exactly as the whole state; the request carries O(change), not
 * O(tenant).
 */
export async function deltaOf(state: TenantState, manifest: StateManifest): Promise<StateDelta> {
  const { manifestCovers } = await import('../../core/diff/index.js');
  const local = await localManifest(state);
  const covered = manifestCovers(manifest);
  const changed = <T extends { key: string }>(kind: ResourceKind, docs: readonly T[], held: StateManifest['flags']) =>
    docs.filter((d) => covered(kind, d.key) && held[d.key] !== local.get(kind, d.key));
  const absent = (kind: ResourceKind, held: StateManifest['flags']) => Object.keys(held).filter((key) => local.get(kind, key) === undefined);
  const delta: StateDelta = {
    environments: state.environments,
    upsert: { flags: changed('flag', state.flags, manifest.flags), segments: changed('segment', state.segments, manifest.segments) },
    delete: { flags: absent('flag', manifest.flags), segments: absent('segment', manifest.segments) },
  };
  // Experiments only when there are some, on either side: a server without them refuses the field.
  const experiments = state.experiments ?? [];
  const held = manifest.experiments ?? {};
  if (experiments.length > 0 || Object.keys(held).length > 0) {
    delta.upsert.experiments = changed('experiment', experiments, held);
    delta.delete.experiments = absent('experiment', held);
  }
  if (state.name !== undefined) delta.name = state.name;
  return delta;
}

const isStale = (error: unknown) => error instanceof ServerRefusal && error.apiCode === 'STALE_PLAN';

/**
 * One POST /v1/plan: what applying `state` would change now, computed by the
 * server, written nowhere. Sent as a delta against the manifest; if the
 * tenant moved in between, the manifest is read again.
 */
export async function postPlan(client: ApiClient, call: PlanCall): Promise<Plan> {
  for (let attempt = 1; ; attempt++) {
    const manifest = await fetchManifest(client, call.tenant, call.state);
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
  const manifest = await fetchManifest(client, call.tenant, call.state);
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
  // The manifest request carries the files' bucket digests: it waits for them.
  const desired = await loadDesiredState(request.dir, request.tenant, request.environments);
  if (!desired.ok) return desired;
  const plan = await postPlan(request.client, { tenant: request.tenant, state: desired.state, environments: request.environments });
  return { ok: true, report: desired.report, plan, desired: desired.state, filesHash: desired.filesHash };
}
