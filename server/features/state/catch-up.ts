import type { TenantState } from '../../../core/model/index.js';
import type { StateChange } from '../../../core/validation/index.js';
import type { Stores } from '../../stores.js';
import type { DocumentStore } from '../documents/types.js';
import { noUpdates, patchState } from './patch-state.js';
import type { HeldState } from './state-listener.js';

/** Further behind than this many revisions, reading the whole tenant is simpler and no slower. */
const MAX_REVISIONS = 1_000;

export interface CaughtUp {
  state: TenantState;
  change: StateChange;
}

/**
 * The tenant's state at `target` built from a state held at an older
 * revision: the revisions log names every resource each commit touched, so
 * only those rows are read. Undefined when the log cannot say (a revision
 * missing from it) or when so much changed that reading everything is as
 * cheap. The caller makes the reads consistent: inside the write transaction,
 * or by checking the tenant revision did not move across them.
 */
export async function catchUp(stores: Stores, tenant: string, held: HeldState, target: number): Promise<CaughtUp | undefined> {
  const behind = target - held.revision;
  if (behind <= 0 || behind > MAX_REVISIONS) return undefined;
  const log = await stores.revisions.since(tenant, held.revision, behind + 1);
  if (log.length !== behind || log[behind - 1]?.revision !== target) return undefined;
  const change = { flags: new Set<string>(), segments: new Set<string>(), experiments: new Set<string>(), tenant: false };
  for (const revision of log) {
    for (const c of revision.changes) {
      if (c.resource === 'environment') change.tenant = true;
      else (c.resource === 'flag' ? change.flags : c.resource === 'segment' ? change.segments : change.experiments).add(c.key);
    }
  }
  const documents = held.state.flags.length + held.state.segments.length;
  if (change.flags.size + change.segments.size > Math.max(64, documents / 4)) return undefined;
  const row = await stores.tenants.get(tenant);
  if (!row) return undefined;
  const updates = noUpdates();
  const read = async (store: DocumentStore<unknown>, keys: ReadonlySet<string>, into: Map<string, { key: string } | undefined>) => {
    for (const key of keys) {
      const stored = await store.get(tenant, key);
      into.set(key, stored && stored.archivedAt === null ? (stored.doc as { key: string }) : undefined);
    }
  };
  await read(stores.flags, change.flags, updates.flag);
  await read(stores.segments, change.segments, updates.segment);
  await read(stores.experiments, change.experiments, updates.experiment);
  let state = patchState(held.state, updates, row.name);
  if (change.tenant) {
    const environments = (await stores.environments.all(tenant)).filter((r) => r.archivedAt === null).map((r) => r.doc);
    state = { ...state, environments };
  }
  return { state, change };
}
