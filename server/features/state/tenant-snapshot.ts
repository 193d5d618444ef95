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

const ATTEMPTS = 5;

/** A snapshot read by readConsistentSnapshot. */
export interface ConsistentRead {
  snapshot: TenantSnapshot;
  /**
   * False when every attempt was torn (a writer busier than a few statements
   * per attempt): the snapshot is then the last read, its parts possibly from
   * different revisions, stale only by the commits racing it.
   */
  consistent: boolean;
}

/**
 * Reads a tenant's snapshot as of ONE revision although it takes several
 * statements, each its own read transaction: another process may commit
 * between them. Every committed change to the evaluated state bumps the
 * tenant's revision in the same transaction, so a revision that reads the same
 * before and after the documents proves no commit landed in between (a
 * sequence lock). A torn read is retried a few times. The one consistent
 * reader of a tenant: the state route serves even a torn last read, the
 * evaluation index refuses it (the next change notification retries).
 */
export async function readConsistentSnapshot(stores: Stores, tenant: string): Promise<ConsistentRead> {
  let snapshot = await readTenantSnapshot(stores, tenant);
  for (let attempt = 1; ; attempt++) {
    if (((await stores.tenants.get(tenant))?.revision ?? 0) === snapshot.revision) return { snapshot, consistent: true };
    if (attempt >= ATTEMPTS) return { snapshot, consistent: false };
    snapshot = await readTenantSnapshot(stores, tenant);
  }
}
