import type { TenantState } from '../../../core/model/index.js';
import type { Stores } from '../../stores.js';

export interface LoadedState {
  state: TenantState;
  revision: number;
}

/**
 * The tenant's evaluated state as the database holds it: active (not archived)
 * environments, flags and segments. Undefined when the tenant does not exist.
 */
export async function readTenantState(stores: Stores, tenant: string): Promise<LoadedState | undefined> {
  const row = await stores.tenants.get(tenant);
  if (!row) return undefined;
  const active = <D>(rows: { doc: D; archivedAt: string | null }[]) =>
    rows.filter((r) => r.archivedAt === null).map((r) => r.doc);
  const state: TenantState = {
    tenant,
    environments: active(await stores.environments.all(tenant)),
    flags: active(await stores.flags.all(tenant)),
    segments: active(await stores.segments.all(tenant)),
  };
  const experiments = active(await stores.experiments.all(tenant));
  if (experiments.length > 0) state.experiments = experiments;
  if (row.name !== null) state.name = row.name;
  return { state, revision: row.revision };
}
