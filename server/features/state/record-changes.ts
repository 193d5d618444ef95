import type { Stores } from '../../stores.js';
import type { DocumentKind } from '../documents/types.js';
import type { ChangeAction, RevisionChange } from './revision-store.js';
import type { WriteContext } from './write-context.js';

export interface AppliedChange {
  resource: DocumentKind;
  key: string;
  action: ChangeAction;
  before: unknown;
  after: unknown;
  environments: string[];
}

/**
 * Records one revision and one audit row per change. Call inside the write
 * transaction, after bumping the tenant revision. `forced`: the write
 * overrode Git's ownership (?force=true), marked on every audit row.
 */
export async function recordChanges(
  stores: Stores,
  tenant: string,
  revision: number,
  ctx: WriteContext,
  changes: readonly AppliedChange[],
  forced = false,
): Promise<void> {
  const summary: RevisionChange[] = changes.map((c) => ({
    resource: c.resource,
    key: c.key,
    action: c.action,
    environments: c.environments,
  }));
  await stores.revisions.record({
    tenant,
    revision,
    ts: ctx.now,
    actor: ctx.actor,
    source: ctx.source,
    commit: ctx.commit,
    changes: summary,
  });
  await stores.audit.recordMany(
    changes.map((c) => ({
      tenant,
      ts: ctx.now,
      actor: ctx.actor,
      source: ctx.source,
      environment: c.resource === 'environment' ? c.key : c.environments.length === 1 ? (c.environments[0] ?? null) : null,
      resource: c.resource,
      key: c.key,
      action: c.action,
      before: c.before,
      after: c.after,
      revision,
      commitSha: ctx.commit?.sha ?? null,
      requestId: ctx.requestId,
      reason: ctx.reason ?? null,
      forced,
    })),
  );
}
