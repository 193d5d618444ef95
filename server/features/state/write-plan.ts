import type { Change } from '../../../core/diff/index.js';
import type { Stores } from '../../stores.js';
import type { DocumentKind } from '../documents/types.js';
import { affectedEnvironments } from './affected-environments.js';
import type { AppliedChange } from './record-changes.js';
import { storeOf } from './store-of.js';
import type { RowMarks } from './write-tenant.js';
import type { WriteContext } from './write-context.js';

/**
 * A plan's changes as the audit and the revision record see them, in the
 * plan's order. A plan `create` of a key the server holds (archived) is
 * performed, and audited, as a `restore`; with `archive`, a plan `delete` is
 * an `archive` (REST never hard-deletes).
 */
export function describeChanges(
  changes: readonly Change[],
  stored: (kind: DocumentKind, key: string) => boolean,
  envKeys: readonly string[],
  archive: boolean,
): AppliedChange[] {
  return changes.map((change): AppliedChange => {
    const kind = change.resource;
    const before = change.before ?? null;
    const after = change.after ?? null;
    const action =
      change.action === 'create' && stored(kind, change.key) ? 'restore' : change.action === 'delete' && archive ? 'archive' : change.action;
    return { resource: kind, key: change.key, action, before, after, environments: affectedEnvironments(kind, change.key, before, after, envKeys) };
  });
}

export interface WriteOptions {
  tenant: string;
  revision: number;
  ctx: WriteContext;
  marks: RowMarks;
}

/**
 * Performs described changes in order (creates and updates environments →
 * segments → flags, deletes the other way round, as the plan lists them), so
 * nothing ever references a resource not yet written or already removed.
 */
export async function writeChanges(stores: Stores, changes: readonly AppliedChange[], o: WriteOptions): Promise<void> {
  const { tenant, revision, ctx, marks } = o;
  const commitSha = ctx.commit?.sha ?? null;
  const owner = marks.managedBy === undefined ? {} : { managedBy: marks.managedBy, gitCommit: commitSha };
  const stamp = { revision, at: ctx.now, by: ctx.actor, ...(marks.drift === undefined ? {} : { drift: marks.drift }) };
  for (const change of changes) {
    const store = storeOf(stores, change.resource);
    if (change.action === 'delete') {
      await store.remove(tenant, change.key);
    } else if (change.action === 'archive') {
      await store.update(tenant, change.key, { archived: { at: ctx.now, by: ctx.actor }, ...stamp, ...owner });
    } else if (change.action === 'update') {
      await store.update(tenant, change.key, { doc: change.after, ...stamp, ...owner });
    } else if (change.action === 'restore') {
      await store.update(tenant, change.key, { doc: change.after, archived: null, ...stamp, ...owner });
    } else {
      await store.insert({
        tenant,
        key: change.key,
        doc: change.after,
        revision,
        managedBy: marks.managedBy ?? 'api',
        gitCommit: marks.managedBy === undefined ? null : commitSha,
        drift: marks.drift ?? null,
        at: ctx.now,
        by: ctx.actor,
      });
    }
  }
}
