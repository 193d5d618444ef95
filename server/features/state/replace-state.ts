import type { TenantState } from '../../../core/model/index.js';
import { ApiError } from '../../errors.js';
import type { Stores } from '../../stores.js';
import { sameJson } from '../../util/canonical-json.js';
import type { DocumentKind, DocumentStore, ManagedBy } from '../documents/types.js';
import { affectedEnvironments } from './affected-environments.js';
import { readTenantState } from './read-state.js';
import { recordChanges, type AppliedChange } from './record-changes.js';
import type { StateListener } from './state-listener.js';
import { assertValidState } from './validate-state.js';
import type { WriteContext } from './write-context.js';

export interface ReplaceOptions {
  /** Hard-delete active resources absent from the desired state; otherwise such a state is refused (409). */
  allowDelete: boolean;
  /** Refuse (409 STALE_PLAN) when the tenant's revision is no longer this one. */
  expectedRevision?: number;
  /** Mark every resource written as owned by this source (issue 4: 'git'). */
  managedBy?: ManagedBy;
  /** Compute and validate, write nothing. */
  dryRun?: boolean;
}

export interface ReplaceResult {
  tenant: string;
  /** The tenant revision after the call (unchanged when nothing changed or on a dry run). */
  revision: number;
  previousRevision: number;
  changes: AppliedChange[];
}

interface KindPlan {
  kind: DocumentKind;
  store: DocumentStore<{ key: string }>;
  desired: readonly { key: string }[];
}

/**
 * Makes a tenant's stored state equal to `desired` in ONE transaction: every
 * create, update, restore and delete, one revision, one audit row per change.
 * The same state twice changes nothing and creates no revision. Used by
 * `seed` now and by the apply endpoint (issue 4).
 */
export function replaceTenantState(
  stores: Stores,
  listener: StateListener,
  ctx: WriteContext,
  desired: TenantState,
  opts: ReplaceOptions,
): ReplaceResult {
  assertValidState(desired);
  const tenant = desired.tenant;
  return stores.transaction(() => {
    const before = stores.tenants.get(tenant);
    const previousRevision = before?.revision ?? 0;
    if (opts.expectedRevision !== undefined && opts.expectedRevision !== previousRevision) {
      throw new ApiError(409, 'STALE_PLAN', 'the tenant changed since the plan was made', [
        { code: 'STALE_PLAN', message: 'base revision differs', expected: opts.expectedRevision, current: previousRevision },
      ]);
    }
    const envKeys = desired.environments.map((e) => e.key);
    const plans: KindPlan[] = [
      { kind: 'environment', store: stores.environments, desired: desired.environments },
      { kind: 'segment', store: stores.segments, desired: desired.segments },
      { kind: 'flag', store: stores.flags, desired: desired.flags },
    ];
    const changes: AppliedChange[] = [];
    const writes: ((revision: number) => void)[] = [];
    for (const plan of plans) diffKind(ctx, tenant, plan, envKeys, opts, changes, writes);

    const nameChanged = (before?.name ?? undefined) !== desired.name;
    const deletions = changes.filter((c) => c.action === 'delete');
    if (deletions.length > 0 && !opts.allowDelete) {
      throw new ApiError(409, 'DELETES_NOT_ALLOWED', 'the desired state deletes resources; allow deletes to proceed', [
        ...deletions.map((c) => ({ code: 'DELETE_NOT_ALLOWED', message: 'would be deleted', resource: c.resource, key: c.key })),
      ]);
    }
    if (opts.dryRun) return { tenant, revision: previousRevision, previousRevision, changes };
    stores.tenants.ensure(tenant, ctx.now, desired.name);
    if (before && nameChanged) stores.tenants.setName(tenant, desired.name ?? null, ctx.now);
    if (changes.length === 0) return { tenant, revision: previousRevision, previousRevision, changes };
    const revision = stores.tenants.bumpRevision(tenant, ctx.now);
    for (const write of writes) write(revision);
    recordChanges(stores, tenant, revision, ctx, changes);
    const committed = readTenantState(stores, tenant);
    if (committed) stores.afterCommit(() => listener.stateCommitted(tenant, committed.state, revision));
    return { tenant, revision, previousRevision, changes };
  });
}

function diffKind(
  ctx: WriteContext,
  tenant: string,
  plan: KindPlan,
  envKeys: readonly string[],
  opts: ReplaceOptions,
  changes: AppliedChange[],
  writes: ((revision: number) => void)[],
): void {
  const { kind, store } = plan;
  const rows = new Map(store.all(tenant).map((r) => [r.key, r]));
  const owner = opts.managedBy === undefined ? {} : { managedBy: opts.managedBy, gitCommit: ctx.commit?.sha ?? null };
  const wanted = new Set<string>();
  for (const doc of plan.desired) {
    wanted.add(doc.key);
    const row = rows.get(doc.key);
    const change = (action: AppliedChange['action'], b: unknown) =>
      changes.push({ resource: kind, key: doc.key, action, before: b, after: doc, environments: affectedEnvironments(kind, doc.key, b, doc, envKeys) });
    if (!row) {
      change('create', null);
      writes.push((revision) => {
        store.insert({ tenant, key: doc.key, doc, revision, managedBy: opts.managedBy ?? 'api', gitCommit: ctx.commit?.sha ?? null, at: ctx.now, by: ctx.actor });
      });
    } else if (row.archivedAt !== null) {
      change('restore', null);
      writes.push((revision) => {
        store.update(tenant, doc.key, { doc, archived: null, revision, at: ctx.now, by: ctx.actor, ...owner });
      });
    } else if (!sameJson(row.doc, doc)) {
      change('update', row.doc);
      writes.push((revision) => {
        store.update(tenant, doc.key, { doc, revision, at: ctx.now, by: ctx.actor, ...owner });
      });
    }
  }
  for (const [key, row] of rows) {
    if (wanted.has(key) || row.archivedAt !== null) continue;
    changes.push({ resource: kind, key, action: 'delete', before: row.doc, after: null, environments: affectedEnvironments(kind, key, row.doc, null, envKeys) });
    writes.push(() => store.remove(tenant, key));
  }
}
