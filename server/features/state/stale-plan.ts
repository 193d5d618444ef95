import { ApiError } from '../../errors.js';
import type { Stores } from '../../stores.js';

/** How many of the revisions since a stale base the error lists. */
const MAX_LISTED = 100;

/**
 * 409 STALE_PLAN: the plan was computed against `base`, the tenant is now at
 * `current`. The one detail says what landed since — who, when, from where,
 * which commit and which resources — so the operator knows what a re-plan
 * will show.
 */
export function stalePlanError(stores: Stores, tenant: string, base: number, current: number): ApiError {
  const landed = stores.revisions.since(tenant, base, MAX_LISTED + 1);
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
    },
  ]);
}
