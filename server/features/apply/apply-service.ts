import { inUseDeletions, markDeletionsInUse, type FlagUsageEvidence, type Plan } from '../../../core/diff/index.js';
import type { TenantState } from '../../../core/model/index.js';
import type { ApplyRequest } from '../../../core/model/schema-types.js';

/** POST /v1/plan's body: an apply request without its write options. */
export type PlanRequest = Omit<ApplyRequest, 'dry_run' | 'allow_delete' | 'allow_delete_in_use' | 'expected_plan_hash'>;
import type { StateDelta } from '../../../core/model/schema-types.js';
import { ApiError, unprocessable, type ErrorDetail } from '../../errors.js';
import type { Stores } from '../../stores.js';
import { recordedCommit } from '../../../core/model/commit.js';
import { noUpdates, patchState } from '../state/patch-state.js';
import { replaceTenantState, type DesiredChange } from '../state/replace-state.js';
import type { StateListener } from '../state/state-listener.js';
import type { WriteContext } from '../state/write-context.js';
import type { Desired } from '../state/write-tenant.js';

/**
 * What the server knows of the flags a plan deletes: their evaluations in the
 * last `days` days, read before the write (usage is flushed every few
 * seconds anyway, so it is as fresh as it can be).
 */
export interface DeleteSafety {
  usage: ReadonlyMap<string, FlagUsageEvidence>;
  days: number;
}

/** The 200 body of POST /v1/apply (docs/api.md). */
export interface ApplyResponse {
  plan: Plan;
  applied: boolean;
  /** The tenant revision after the call; equals previous_revision when nothing was applied. */
  revision: number;
  previous_revision: number;
}

/** POST /v1/plan: what applying `body` would do now, as POST /v1/apply computes it; deletions are planned, never refused. */
export async function planDesiredState(stores: Stores, listener: StateListener, ctx: WriteContext, tenant: string, body: PlanRequest, safety?: DeleteSafety): Promise<{ plan: Plan }> {
  const { plan } = await applyDesiredState(stores, listener, ctx, tenant, { ...body, dry_run: true, allow_delete: true }, safety);
  return { plan };
}

/**
 * POST /v1/apply: the desired state of `tenant` from a Git commit, planned
 * and (unless a dry run) written in one transaction by replaceTenantState,
 * audited with source `git` and the commit, every written resource marked as
 * managed by Git. `ctx` is the caller's (actor = the token's subject).
 * With `safety`, every flag deletion is marked with what still uses it, and
 * a real apply deleting an in-use flag is refused (409 DELETES_IN_USE) unless
 * the request says allow_delete_in_use: a raw API call cannot skip the check
 * that `ff apply` makes.
 */
export async function applyDesiredState(stores: Stores, listener: StateListener, ctx: WriteContext, tenant: string, body: ApplyRequest, safety?: DeleteSafety): Promise<ApplyResponse> {
  const gitCtx: WriteContext = { ...ctx, source: 'git', commit: body.commit ? recordedCommit(body.commit) : null };
  const refuseInUse = !(body.dry_run ?? false) && (body.allow_delete ?? false) && !(body.allow_delete_in_use ?? false);
  const review =
    safety === undefined
      ? undefined
      : (computed: Plan, current: TenantState): Plan => {
          const plan = markDeletionsInUse(computed, current, safety.usage, safety.days);
          if (refuseInUse) {
            const inUse = inUseDeletions(plan);
            if (inUse.length > 0) throw deletesInUse(inUse);
          }
          return plan;
        };
  const result = await replaceTenantState(stores, listener, gitCtx, desiredOf(tenant, body), {
    allowDelete: body.allow_delete ?? false,
    dryRun: body.dry_run ?? false,
    managedBy: 'git',
    environments: body.environments ?? null,
    ...(body.base_revision === undefined ? {} : { expectedRevision: body.base_revision }),
    ...(body.expected_plan_hash === undefined ? {} : { expectedPlanHash: body.expected_plan_hash }),
    ...(review === undefined ? {} : { review }),
  });
  const plan: Plan = body.commit ? { ...result.plan, commit: body.commit } : result.plan;
  return { plan, applied: result.applied, revision: result.revision, previous_revision: result.previousRevision };
}

/** The desired state a request stands for: its whole `state`, or its `delta` applied to the state at base_revision. */
function desiredOf(tenant: string, body: ApplyRequest): TenantState | DesiredChange {
  const { state, delta } = body;
  if ((state === undefined) === (delta === undefined)) {
    throw unprocessable('INVALID_STATE', 'send the desired state either whole (state) or as a delta (delta), not both and not neither', [
      { code: 'STATE_OR_DELTA', message: 'exactly one of state and delta is required', path: '' },
    ]);
  }
  if (state !== undefined) {
    if (state.tenant !== undefined && state.tenant !== tenant) {
      throw unprocessable('INVALID_STATE', 'the state belongs to another tenant than X-Tenant-ID', [
        { code: 'TENANT_MISMATCH', message: 'state.tenant differs from the X-Tenant-ID header', path: '/state/tenant' },
      ]);
    }
    const desired: TenantState = { tenant, environments: state.environments, flags: state.flags, segments: state.segments };
    if (state.experiments !== undefined && state.experiments.length > 0) desired.experiments = state.experiments;
    if (state.name !== undefined) desired.name = state.name;
    return desired;
  }
  const change = delta as StateDelta;
  if (body.base_revision === undefined) {
    throw unprocessable('INVALID_STATE', 'a delta is relative to a revision: send base_revision with it', [
      { code: 'BASE_REVISION_REQUIRED', message: 'base_revision is required with delta', path: '/base_revision' },
    ]);
  }
  assertDistinctKeys(change);
  return { tenant, from: (current) => applyDelta(current, change) };
}

/** The state a delta stands for, and the keys it can change (the plan walks only those). */
function applyDelta(current: TenantState, delta: StateDelta): Desired {
  const updates = noUpdates();
  for (const flag of delta.upsert.flags) updates.flag.set(flag.key, flag);
  for (const segment of delta.upsert.segments) updates.segment.set(segment.key, segment);
  for (const key of delta.delete.flags) updates.flag.set(key, undefined);
  for (const key of delta.delete.segments) updates.segment.set(key, undefined);
  for (const experiment of delta.upsert.experiments ?? []) updates.experiment.set(experiment.key, experiment);
  for (const key of delta.delete.experiments ?? []) updates.experiment.set(key, undefined);
  const state = { ...patchState(current, updates, delta.name ?? null), environments: delta.environments };
  const environment = new Set([...current.environments, ...delta.environments].map((e) => e.key));
  return { state, candidates: { environment, flag: new Set(updates.flag.keys()), segment: new Set(updates.segment.keys()), experiment: new Set(updates.experiment.keys()) } };
}

/** A key upserted twice, or both upserted and deleted, has no one meaning. */
function assertDistinctKeys(delta: StateDelta): void {
  const details: ErrorDetail[] = [];
  for (const kind of ['flags', 'segments', 'experiments'] as const) {
    const seen = new Set<string>();
    (delta.upsert[kind] ?? []).forEach((doc, i) => {
      if (seen.has(doc.key)) details.push({ code: 'DELTA_DUPLICATE_KEY', message: `${doc.key} is upserted twice`, path: `/delta/upsert/${kind}/${i}/key` });
      seen.add(doc.key);
    });
    (delta.delete[kind] ?? []).forEach((key, i) => {
      if (seen.has(key)) details.push({ code: 'DELTA_DUPLICATE_KEY', message: `${key} is both upserted and deleted`, path: `/delta/delete/${kind}/${i}` });
    });
  }
  if (details.length > 0) throw unprocessable('INVALID_STATE', 'the delta names a key more than once', details);
}

function deletesInUse(inUse: ReturnType<typeof inUseDeletions>): ApiError {
  return new ApiError(
    409,
    'DELETES_IN_USE',
    `the desired state deletes ${inUse.length} flag(s) still in use: allow deleting flags in use to proceed`,
    inUse.flatMap(({ key, risks }) =>
      risks.map((r) => ({ code: r.code, message: r.message, resource: 'flag', key, ...(r.evidence === undefined ? {} : { evidence: r.evidence }) })),
    ),
  );
}
