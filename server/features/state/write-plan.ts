import type { Change } from "../../../core/diff/index.js";
import type { Stores } from "../../stores.js";
import type { DocumentKind } from "../documents/types.js";
import { affectedEnvironments } from "./affected-environments.js";
import type { AppliedChange } from "./record-changes.js";
import { storeOf } from "./store-of.js";
import type { RowMarks } from "./write-tenant.js";
import type { WriteContext } from "./write-context.js";

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
      change.action === "create" && stored(kind, change.key)
        ? "restore"
        : change.action === "delete" && archive
          ? "archive"
          : change.action;
    return {
      resource: kind,
      key: change.key,
      action,
      before,
      after,
      environments: affectedEnvironments(
        kind,
        change.key,
        before,
        after,
        envKeys,
      ),
    };
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
export async function writeChanges(
  stores: Stores,
  changes: readonly AppliedChange[],
  o: WriteOptions,
): Promise<void> {
  const { tenant, revision, ctx, marks } = o;
  const commitSha = ctx.commit?.sha ?? null;
  const owner =
    marks.managedBy === undefined
      ? {}
      : { managedBy: marks.managedBy, gitCommit: commitSha };
  const stamp = {
    revision,
    at: ctx.now,
    by: ctx.actor,
    ...(marks.drift === undefined ? {} : { drift: marks.drift }),
  };
  // Consecutive creates (or deletes) of one kind go to the store as one
  // batch: the order between kinds, which references depend on, is kept.
  for (let i = 0; i < changes.length;) {
    const change = changes[i]!;
    const store = storeOf(stores, change.resource);
    if (change.action === "create" || change.action === "delete") {
      let end = i + 1;
      while (
        end < changes.length &&
        changes[end]!.resource === change.resource &&
        changes[end]!.action === change.action
      )
        end += 1;
      const run = changes.slice(i, end);
      i = end;
      if (change.action === "delete") {
        await store.removeMany(
          tenant,
          run.map((c) => c.key),
        );
      } else {
        await store.insertMany(
          run.map((c) => ({
            tenant,
            key: c.key,
            doc: c.after,
            revision,
            managedBy: marks.managedBy ?? "api",
            gitCommit: marks.managedBy === undefined ? null : commitSha,
            drift: marks.drift ?? null,
            at: ctx.now,
            by: ctx.actor,
          })),
        );
      }
      continue;
    }
    i += 1;
    if (change.action === "archive") {
      await store.update(tenant, change.key, {
        archived: { at: ctx.now, by: ctx.actor },
        ...stamp,
        ...owner,
      });
    } else if (change.action === "update") {
      await store.update(tenant, change.key, {
        doc: change.after,
        ...stamp,
        ...owner,
      });
    } else {
      await store.update(tenant, change.key, {
        doc: change.after,
        archived: null,
        ...stamp,
        ...owner,
      });
    }
  }
}
