import type { Commit, Plan } from '../../core/model/schema-types.js';
import type { TenantState } from '../../core/model/index.js';
import { CliError } from '../errors.js';
import type { ApiClient } from '../http/client.js';
import type { ApplyRequest, ApplyResponse, PlanResponse, StateResponse } from '../http/api-types.js';
import { messages } from '../messages.js';
import { loadDesiredState, toApplyState } from './desired-state.js';
import type { ValidationReport } from './validate.js';

export interface PlanRequest {
  dir: string;
  tenant: string;
  environments: string[] | null;
  client: ApiClient;
}

export type PlanOutcome =
  | { ok: false; report: ValidationReport }
  | { ok: true; report: ValidationReport; plan: Plan; desired: TenantState; filesHash: string };

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

/** One POST /v1/plan: what applying `state` would change now, computed by the server, written nowhere. */
export async function postPlan(client: ApiClient, call: PlanCall): Promise<Plan> {
  const body = { state: toApplyState(call.state), environments: call.environments };
  const response = await client.post<PlanResponse>('/v1/plan', { tenant: call.tenant, body });
  return checkPlanVersion(client, response.plan);
}

export interface ApplyCall extends PlanCall {
  /** The revision and plan_hash of the plan that was shown or reviewed: the server refuses any other. */
  baseRevision: number;
  planHash: string;
  allowDelete: boolean;
  commit: Commit;
}

/** The wire form of an environment scope: null (the whole tenant) or a non-empty list, as the schema says. */
function environmentScope(environments: string[] | null): ApplyRequest['environments'] {
  if (environments === null) return null;
  const [first, ...rest] = environments;
  if (first === undefined) throw new Error('an environment-scoped apply needs at least one environment');
  return [first, ...rest];
}

/** One POST /v1/apply of exactly the plan identified by (baseRevision, planHash). */
export async function postApply(client: ApiClient, call: ApplyCall): Promise<ApplyResponse> {
  const body: ApplyRequest = {
    state: toApplyState(call.state),
    environments: environmentScope(call.environments),
    base_revision: call.baseRevision,
    expected_plan_hash: call.planHash,
    dry_run: false,
    allow_delete: call.allowDelete,
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
  const desired = await loadDesiredState(request.dir, request.tenant, request.environments);
  if (!desired.ok) return desired;
  const plan = await postPlan(request.client, { tenant: request.tenant, state: desired.state, environments: request.environments });
  return { ok: true, report: desired.report, plan, desired: desired.state, filesHash: desired.filesHash };
}
