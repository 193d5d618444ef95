import type { TenantState } from '../../../core/model/index.js';
import type { Stores } from '../../stores.js';
import { readTenantSnapshot } from './tenant-snapshot.js';

export interface LoadedState {
  state: TenantState;
  revision: number;
}

/**
 * The tenant's evaluated state as the database holds it: active (not archived)
 * environments, flags, segments and experiments (readTenantSnapshot's, without
 * the rows). Undefined when the tenant does not exist.
 */
export async function readTenantState(stores: Stores, tenant: string): Promise<LoadedState | undefined> {
  const { row, state, revision } = await readTenantSnapshot(stores, tenant);
  return row === undefined ? undefined : { state, revision };
}
