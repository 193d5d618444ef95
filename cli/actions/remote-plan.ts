import type { Plan } from '../../core/model/schema-types.js';
import type { TenantState } from '../../core/model/index.js';
import { CliError } from '../errors.js';
import type { ApiClient } from '../http/client.js';
import type { ApplyRequest, ApplyResponse, StateResponse } from '../http/api-types.js';
import { ServerRefusal } from '../http/server-refusal.js';
import { messages } from '../messages.js';
import { loadDesiredState, toApplyState } from './desired-state.js';
import { staleDetail } from './refusals.js';
import type { ValidationReport } from './validate.js';

export interface PlanRequest {
  dir: string;
  tenant: string;
  environments: string[] | null;
  client: ApiClient;
}

export type PlanOutcome =
  | { ok: false; report: ValidationReport }
  | { ok: true; report: ValidationReport; plan: Plan; desired: TenantState; filesHash: string; baseRevision: number };

export function fetchState(client: ApiClient, tenant: string): Promise<StateResponse> {
  return client.get<StateResponse>('/v1/state', { tenant });
}

export interface ApplyCall {
  tenant: string;
  state: TenantState;
  environments: string[] | null;
  baseRevision: number;
  dryRun: boolean;
  allowDelete: boolean;
  commit?: ApplyRequest['commit'];
}

/** One POST /v1/apply: a dry run (the plan) or the apply itself. */
export async function postApply(client: ApiClient, call: ApplyCall): Promise<ApplyResponse> {
  const body: ApplyRequest = {
    state: toApplyState(call.state),
    environments: call.environments,
    base_revision: call.baseRevision,
    dry_run: call.dryRun,
    allow_delete: call.allowDelete,
    ...(call.commit === undefined ? {} : { commit: call.commit }),
  };
  const response = await client.post<ApplyResponse>('/v1/apply', { tenant: call.tenant, body });
  // schemas/plan.schema.json: consumers must reject plan versions they do not know.
  const version = (response.plan as { format_version?: unknown } | undefined)?.format_version;
  if (version !== 1) throw new CliError('SERVER_ERROR', messages.planVersionUnknown(client.server, version));
  return response;
}

/**
 * `ff plan`: validate the files, read the server's revision, and ask the
 * server for a dry run. The plan shown is the server's answer, computed in
 * the same transaction an apply would run in (ADR 0002), not a local guess.
 * Deletions are planned (allow_delete) so they show; apply still refuses them
 * without --allow-delete.
 */
export async function planRemote(request: PlanRequest): Promise<PlanOutcome> {
  const desired = await loadDesiredState(request.dir, request.tenant, request.environments);
  if (!desired.ok) return desired;
  let baseRevision = (await fetchState(request.client, request.tenant)).revision;
  const dryRun = () =>
    postApply(request.client, {
      tenant: request.tenant,
      state: desired.state,
      environments: request.environments,
      baseRevision,
      dryRun: true,
      allowDelete: true,
    });
  let response: ApplyResponse;
  try {
    response = await dryRun();
  } catch (error) {
    // Someone applied between our read and the dry run: plan against what is there now.
    const current = error instanceof ServerRefusal && error.apiCode === 'STALE_PLAN' ? staleDetail(error)?.current_revision : undefined;
    if (current === undefined) throw error;
    baseRevision = current;
    response = await dryRun();
  }
  return { ok: true, report: desired.report, plan: response.plan, desired: desired.state, filesHash: desired.filesHash, baseRevision };
}
