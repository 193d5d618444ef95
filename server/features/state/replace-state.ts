import { computePlan, scopeDesiredState, type Change, type Plan } from '../../../core/diff/index.js';
import type { TenantState } from '../../../core/model/index.js';
import { ApiError, unprocessable } from '../../errors.js';
import type { Stores } from '../../stores.js';
import type { ManagedBy } from '../documents/types.js';
import { clearDriftOfUnchanged } from './clear-drift.js';
import { readTenantState } from './read-state.js';
import { recordChanges, type AppliedChange } from './record-changes.js';
import { planChangedError, stalePlanError } from './stale-plan.js';
import type { StateListener } from './state-listener.js';
import { driftLookup, readTenantSnapshot } from './tenant-snapshot.js';
import { assertValidState } from './validate-state.js';
import { describeChanges, writeChanges } from './write-plan.js';
import type { WriteContext } from './write-context.js';

export interface ReplaceOptions {
  /** Hard-delete active resources absent from the desired state; otherwise such a state is refused (409). */
  allowDelete: boolean;
  /** Refuse (409 STALE_PLAN) when the tenant's revision is no longer this one. */
  expectedRevision?: number;
  /** Refuse (409 STALE_PLAN) unless the plan computed now has this plan_hash (the reviewed plan). */
  expectedPlanHash?: string;
  /** Mark every resource written as owned by this source (apply and watch: 'git'). */
  managedBy?: ManagedBy;
  /** Compute and validate, write nothing. Deletions are reported in the plan, not refused. */
  dryRun?: boolean;
  /**
   * null or absent: the whole tenant. Otherwise an environment-scoped replace:
   * only these environments of each flag are taken from `desired`
   * (core/diff scopeDesiredState); the rest stays as stored.
   */
  environments?: readonly string[] | null;
}

export interface ReplaceResult {
  tenant: string;
  /** The tenant revision after the call (unchanged when nothing changed or on a dry run). */
  revision: number;
  previousRevision: number;
  /** The plan's changes as audited (on a dry run: what a real call would write). */
  changes: AppliedChange[];
  /** core/diff's plan: a dry run's answer, and exactly what a real call wrote. */
  plan: Plan;
  /** True when the call committed a new revision. */
  applied: boolean;
}

/**
 * Makes a tenant's stored state equal to `desired` in ONE transaction, as
 * core/diff's computePlan says (the one diff: a dry run returns exactly what
 * a real call writes): validate the resulting state, check the base
 * revision, plan, refuse unallowed deletions, write every change, one
 * revision, one audit row per change. The same state twice writes nothing and
 * creates no revision. Used by `seed`, the apply endpoint and watch mode.
 */
export function replaceTenantState(
  stores: Stores,
  listener: StateListener,
  ctx: WriteContext,
  desired: TenantState,
  opts: ReplaceOptions,
): ReplaceResult {
  const scope = opts.environments ?? null;
  // A whole state does not depend on what is stored: validate it before taking the write lock.
  if (scope === null) assertValidState(desired, undefined, 'INVALID_STATE');
  const tenant = desired.tenant;
  return stores.transaction(() => {
    const snapshot = readTenantSnapshot(stores, tenant);
    const previousRevision = snapshot.revision;
    let next = desired;
    if (scope !== null) {
      assertScopeExists(snapshot.state, scope);
      next = scopeDesiredState(snapshot.state, desired, scope);
      assertValidState(next, undefined, 'INVALID_STATE');
    }
    if (opts.expectedRevision !== undefined && opts.expectedRevision !== previousRevision) {
      throw stalePlanError(stores, tenant, opts.expectedRevision, previousRevision);
    }
    const plan = computePlan({
      tenant,
      current: snapshot.state,
      desired: next,
      baseRevision: previousRevision,
      environments: scope === null ? null : [...scope],
      drift: driftLookup(snapshot.rows),
    });
    if (opts.expectedPlanHash !== undefined && opts.expectedPlanHash !== plan.plan_hash) {
      throw planChangedError(opts.expectedPlanHash, plan);
    }
    const envKeys = next.environments.map((e) => e.key);
    const changes = describeChanges(plan.changes, snapshot.rows, envKeys);
    if (opts.dryRun) return { tenant, revision: previousRevision, previousRevision, changes, plan, applied: false };
    const deletions = plan.changes.filter((c) => c.action === 'delete');
    if (deletions.length > 0 && !opts.allowDelete) throw deletesNotAllowed(deletions);

    stores.tenants.ensure(tenant, ctx.now, next.name);
    if (scope === null && snapshot.row && (snapshot.row.name ?? undefined) !== next.name) {
      stores.tenants.setName(tenant, next.name ?? null, ctx.now);
    }
    if (scope === null) {
      const written = new Set(changes.map((c) => `${c.resource}:${c.key}`));
      clearDriftOfUnchanged(stores, tenant, next, snapshot.rows, written);
    }
    if (changes.length === 0) return { tenant, revision: previousRevision, previousRevision, changes, plan, applied: false };
    const revision = stores.tenants.bumpRevision(tenant, ctx.now);
    // A scoped write restores some environments of a flag; drift elsewhere in it may remain.
    writeChanges(stores, changes, { tenant, revision, ctx, managedBy: opts.managedBy, clearDrift: scope === null });
    recordChanges(stores, tenant, revision, ctx, changes);
    const committed = readTenantState(stores, tenant);
    if (committed) stores.afterCommit(() => listener.stateCommitted(tenant, committed.state, revision));
    return { tenant, revision, previousRevision, changes, plan, applied: true };
  });
}

function deletesNotAllowed(deletions: readonly Change[]): ApiError {
  return new ApiError(
    409,
    'DELETES_NOT_ALLOWED',
    `the desired state deletes ${deletions.length} resource(s): allow deletes to proceed`,
    deletions.map((c) => ({ code: 'DELETE_NOT_ALLOWED', message: `${c.resource} ${c.key} would be deleted`, resource: c.resource, key: c.key })),
  );
}

/** A scoped apply changes environments of flags; creating an environment needs a whole-tenant apply. */
function assertScopeExists(current: TenantState, scope: readonly string[]): void {
  const known = new Set(current.environments.map((e) => e.key));
  const details = scope.flatMap((env, i) =>
    known.has(env) ? [] : [{ code: 'UNKNOWN_ENVIRONMENT', message: `environment ${env} does not exist on the server: apply the whole tenant first`, path: `/environments/${i}` }],
  );
  if (details.length > 0) throw unprocessable('INVALID_STATE', 'an environment-scoped apply names environments the tenant does not have', details);
}
