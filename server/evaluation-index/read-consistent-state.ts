import { readTenantState, type LoadedState } from '../features/state/read-state.js';
import type { Stores } from '../stores.js';

const ATTEMPTS = 5;

/**
 * Reads a tenant's state as of ONE revision although it takes several
 * statements, each its own read transaction: another process may commit
 * between them. Every committed change to the evaluated state bumps the
 * tenant's revision in the same transaction, so a revision that reads the same
 * before and after the documents proves no commit landed in between (a
 * sequence lock). A torn read is retried; undefined after repeated tearing
 * (a writer busier than a few statements per attempt) — the next change
 * notification retries.
 */
export async function readConsistentState(stores: Stores, tenant: string): Promise<LoadedState | undefined> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const loaded = await readTenantState(stores, tenant);
    if (loaded === undefined) return undefined;
    if ((await stores.tenants.get(tenant))?.revision === loaded.revision) return loaded;
  }
  return undefined;
}
