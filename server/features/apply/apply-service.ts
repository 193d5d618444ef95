import type { Plan } from '../../../core/diff/index.js';
import type { TenantState } from '../../../core/model/index.js';
import type { ApplyRequest } from '../../../core/model/schema-types.js';

/** POST /v1/plan's body: an apply request without its write options. */
export type PlanRequest = Omit<ApplyRequest, 'dry_run' | 'allow_delete' | 'expected_plan_hash'>;
import { unprocessable } from '../../errors.js';
import type { Stores } from '../../stores.js';
import { commitMetaOf } from '../state/commit-wire.js';
import { replaceTenantState } from '../state/replace-state.js';
import type { StateListener } from '../state/state-listener.js';
import type { WriteContext } from '../state/write-context.js';

/** The 200 body of POST /v1/apply (docs/api.md, /work contract "Issue 4 HTTP contract"). */
export interface ApplyResponse {
  plan: Plan;
  applied: boolean;
  /** The tenant revision after the call; equals previous_revision when nothing was applied. */
  revision: number;
  previous_revision: number;
}

/** POST /v1/plan: what applying `body` would do now, as POST /v1/apply computes it; deletions are planned, never refused. */
export function planDesiredState(stores: Stores, listener: StateListener, ctx: WriteContext, tenant: string, body: PlanRequest): { plan: Plan } {
  const { plan } = applyDesiredState(stores, listener, ctx, tenant, { ...body, dry_run: true, allow_delete: true });
  return { plan };
}

/**
 * POST /v1/apply: the desired state of `tenant` from a Git commit, planned
 * and (unless a dry run) written in one transaction by replaceTenantState,
 * audited with source `git` and the commit, every written resource marked as
 * managed by Git. `ctx` is the caller's (actor = the token's subject).
 */
export function applyDesiredState(stores: Stores, listener: StateListener, ctx: WriteContext, tenant: string, body: ApplyRequest): ApplyResponse {
  const { state } = body;
  if (state.tenant !== undefined && state.tenant !== tenant) {
    throw unprocessable('INVALID_STATE', 'the state belongs to another tenant than X-Tenant-ID', [
      { code: 'TENANT_MISMATCH', message: 'state.tenant differs from the X-Tenant-ID header', path: '/state/tenant' },
    ]);
  }
  const desired: TenantState = { tenant, environments: state.environments, flags: state.flags, segments: state.segments };
  if (state.name !== undefined) desired.name = state.name;
  const gitCtx: WriteContext = { ...ctx, source: 'git', commit: body.commit ? commitMetaOf(body.commit) : null };
  const result = replaceTenantState(stores, listener, gitCtx, desired, {
    allowDelete: body.allow_delete ?? false,
    dryRun: body.dry_run ?? false,
    managedBy: 'git',
    environments: body.environments ?? null,
    ...(body.base_revision === undefined ? {} : { expectedRevision: body.base_revision }),
    ...(body.expected_plan_hash === undefined ? {} : { expectedPlanHash: body.expected_plan_hash }),
  });
  const plan: Plan = body.commit ? { ...result.plan, commit: body.commit } : result.plan;
  return { plan, applied: result.applied, revision: result.revision, previous_revision: result.previousRevision };
}
