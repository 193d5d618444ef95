import type { Plan } from '../../../core/diff/index.js';
import type { components } from '../../../core/model/openapi-types.js';
import { ApiError } from '../../errors.js';
import type { Stores } from '../../stores.js';

type StalePlanDetail = components['schemas']['StalePlanDetail'];

/** How many of the revisions since a stale base the error lists. */
const MAX_LISTED = 100;

/**
 * 409 STALE_PLAN: the plan was computed against `base`, the tenant is now at
 * `current`. The one detail says what landed since — who, when, from where,
 * which commit and which resources — so the operator knows what a re-plan
 * will show.
 */
export async function stalePlanError(stores: Stores, tenant: string, base: number, current: number): Promise<ApiError> {
  const landed = await stores.revisions.since(tenant, base, MAX_LISTED + 1);
  const since = landed.slice(0, MAX_LISTED).map((r) => ({
    revision: r.revision,
    ts: r.ts,
    actor: r.actor,
    source: r.source,
    commit_sha: r.commit?.sha ?? null,
    changed: r.changes.map((c) => `${c.resource}:${c.key}`),
  }));
  return new ApiError(409, 'STALE_PLAN', `the tenant changed since the plan was made (revision ${base}, now ${current}): re-run the plan`, [
    {
      code: 'STALE_PLAN',
      message: `base revision ${base} is not the current revision ${current}`,
      base_revision: base,
      current_revision: current,
      since,
      since_truncated: landed.length > MAX_LISTED,
    } satisfies StalePlanDetail,
  ]);
}

/**
 * 409 STALE_PLAN at an unchanged revision: the desired state sent does not
 * produce the plan that was reviewed (its plan_hash), e.g. the files of the
 * commit being applied differ from those the plan was made from. The detail
 * lists what the plan computed now would change, so the difference is visible.
 */
export function planChangedError(expected: string, plan: Plan): ApiError {
  return new ApiError(409, 'STALE_PLAN', 'the changes to apply differ from the reviewed plan: re-run the plan and review it', [
    {
      code: 'PLAN_CHANGED',
      message: `the reviewed plan is ${expected}; this state plans ${plan.plan_hash ?? 'differently'}`,
      expected_plan_hash: expected,
      plan_hash: plan.plan_hash,
      base_revision: plan.base_revision,
      current_revision: plan.base_revision,
      changes: plan.changes.map((c) => `${c.action} ${c.resource}:${c.key}`),
    } satisfies StalePlanDetail,
  ]);
}
