import type { Environment, Experiment, Flag, Segment, TenantState } from '../../../core/model/index.js';
import type { Stores } from '../../stores.js';
import type { DocumentKind, StoredDocument } from '../documents/types.js';
import type { TenantRow } from './tenant-store.js';

/** Every row of a tenant (archived included), by kind and key. */
export type RowsByKind = { [K in DocumentKind]: Map<string, StoredDocument> };

/**
 * A tenant as one read sees it: the evaluated state (active documents, in
 * declaration order) and the rows behind it with their bookkeeping
 * (ownership, drift, archived). An unknown tenant is an empty state at
 * revision 0, so the first plan of a tenant shows everything as creates.
 */
export interface TenantSnapshot {
  tenant: string;
  row: TenantRow | undefined;
  revision: number;
  state: TenantState;
  rows: RowsByKind;
}

export async function readTenantSnapshot(stores: Stores, tenant: string): Promise<TenantSnapshot> {
  const row = await stores.tenants.get(tenant);
  const environments = await stores.environments.all(tenant);
  const flags = await stores.flags.all(tenant);
  const segments = await stores.segments.all(tenant);
  const experiments = await stores.experiments.all(tenant);
  const active = <D>(list: StoredDocument<D>[]) => list.filter((r) => r.archivedAt === null).map((r) => r.doc);
  const state: TenantState = {
    tenant,
    environments: active<Environment>(environments),
    flags: active<Flag>(flags),
    segments: active<Segment>(segments),
  };
  const activeExperiments = active<Experiment>(experiments);
  if (activeExperiments.length > 0) state.experiments = activeExperiments;
  if (row?.name != null) state.name = row.name;
  const byKey = (list: StoredDocument[]) => new Map(list.map((r) => [r.key, r]));
  return {
    tenant,
    row,
    revision: row?.revision ?? 0,
    state,
    rows: { environment: byKey(environments), flag: byKey(flags), segment: byKey(segments), experiment: byKey(experiments) },
  };
}

/**
 * Reads a snapshot whose parts all belong to one revision: each statement is
 * its own read transaction and another process may commit in between, so a
 * read is kept only when the tenant revision did not move across it (every
 * committed change to the state bumps it). Retried a few times, then the last
 * read is returned — it is only ever stale by the commits racing it.
 */
export async function readConsistentSnapshot(stores: Stores, tenant: string, attempts = 5): Promise<TenantSnapshot> {
  let snapshot = await readTenantSnapshot(stores, tenant);
  for (let i = 1; i < attempts; i++) {
    if (((await stores.tenants.get(tenant))?.revision ?? 0) === snapshot.revision) break;
    snapshot = await readTenantSnapshot(stores, tenant);
  }
  return snapshot;
}
