import type { Plan } from '../../../core/diff/index.js';
import type { TenantState } from '../../../core/model/index.js';
import type { Stores } from '../../stores.js';
import type { ManagedBy } from '../documents/types.js';
import type { StateListener } from './state-listener.js';
import { writeTenant, type Desired, type TenantWriteResult } from './write-tenant.js';
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
  /** Sees the plan before anything is written: may add risks or refuse (writeTenant's `review`). */
  review?: (plan: Plan, current: TenantState) => Plan;
}

export type ReplaceResult = TenantWriteResult;

/** A desired state given as a change to the current one (an apply's delta): `from` builds it inside the write. */
export interface DesiredChange {
  tenant: string;
  from(current: TenantState): Desired;
}

/**
 * Makes a tenant's stored state equal to a desired state, given whole or as
 * a function of the current one (an apply's delta), through the one write
 * path (writeTenant): plan, refuse unallowed deletions, write every change,
 * one revision, one audit row per change. The same state twice writes
 * nothing. Used by `seed`, the apply endpoint and watch mode.
 */
export function replaceTenantState(
  stores: Stores,
  listener: StateListener,
  ctx: WriteContext,
  desired: TenantState | DesiredChange,
  opts: ReplaceOptions,
): Promise<ReplaceResult> {
  const scope = opts.environments ?? null;
  return writeTenant(stores, listener, {
    tenant: desired.tenant,
    ctx,
    desire: (base) => ('from' in desired ? desired.from(base.state) : { state: desired }),
    scope,
    removal: opts.dryRun || opts.allowDelete ? 'delete' : 'delete-refused',
    marks: {
      ...(opts.managedBy === undefined ? {} : { managedBy: opts.managedBy }),
      ...(scope === null ? { drift: null } : {}),
      clearUnchangedDrift: true,
    },
    invalid: { code: 'INVALID_STATE' },
    ...(opts.expectedRevision === undefined ? {} : { expectedRevision: opts.expectedRevision }),
    ...(opts.expectedPlanHash === undefined ? {} : { expectedPlanHash: opts.expectedPlanHash }),
    ...(opts.dryRun ? { dryRun: true } : {}),
    ...(opts.review === undefined ? {} : { review: opts.review }),
  });
}
