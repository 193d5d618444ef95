import type { Change } from '../../../core/diff/index.js';
import type { Stores } from '../../stores.js';
import type { ManagedBy } from '../documents/types.js';
import { affectedEnvironments } from './affected-environments.js';
import type { AppliedChange } from './record-changes.js';
import { storeOf } from './store-of.js';
import type { RowsByKind } from './tenant-snapshot.js';
import type { WriteContext } from './write-context.js';

/**
 * A plan's changes as the audit and the revision record see them, in the
 * plan's order. A plan `create` of a key that is archived on the server is
 * performed, and audited, as a `restore`.
 */
export function describeChanges(changes: readonly Change[], rows: RowsByKind, envKeys: readonly string[]): AppliedChange[] {
  return changes.map((change): AppliedChange => {
    const kind = change.resource;
    const before = change.before ?? null;
    const after = change.after ?? null;
    const action = change.action === 'create' && rows[kind].has(change.key) ? 'restore' : change.action;
    return { resource: kind, key: change.key, action, before, after, environments: affectedEnvironments(kind, change.key, before, after, envKeys) };
  });
}

export interface WriteOptions {
  tenant: string;
  revision: number;
  ctx: WriteContext;
  /** Mark every written resource as owned by this source, with the commit. */
  managedBy: ManagedBy | undefined;
  /** Forget the drift of every written resource (the write restored the files' version). */
  clearDrift: boolean;
}

/**
 * Performs described changes in order (creates and updates environments →
 * segments → flags, deletes the other way round, as the plan lists them), so
 * nothing ever references a resource not yet written or already removed.
 */
export function writeChanges(stores: Stores, changes: readonly AppliedChange[], o: WriteOptions): void {
  const { tenant, revision, ctx } = o;
  const commitSha = ctx.commit?.sha ?? null;
  const owner = o.managedBy === undefined ? {} : { managedBy: o.managedBy, gitCommit: commitSha };
  const drift = o.clearDrift ? { drift: null } : {};
  const stamp = { revision, at: ctx.now, by: ctx.actor };
  for (const change of changes) {
    const store = storeOf(stores, change.resource);
    if (change.action === 'delete') {
      store.remove(tenant, change.key);
    } else if (change.action === 'update') {
      store.update(tenant, change.key, { doc: change.after, ...stamp, ...owner, ...drift });
    } else if (change.action === 'restore') {
      store.update(tenant, change.key, { doc: change.after, archived: null, ...stamp, ...owner, ...drift });
    } else {
      store.insert({
        tenant,
        key: change.key,
        doc: change.after,
        revision,
        managedBy: o.managedBy ?? 'api',
        gitCommit: commitSha,
        drift: null,
        at: ctx.now,
        by: ctx.actor,
      });
    }
  }
}
