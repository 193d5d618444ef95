import type { TenantState } from '../../../core/model/index.js';

/**
 * Told after (never before) a transaction commits, so the in-memory indexes
 * swap only to states that are durable. Issue 5's cross-process watcher calls
 * the same methods when another process committed.
 */
export interface StateListener {
  stateCommitted(tenant: string, state: TenantState, revision: number): void;
  keysCommitted(tenant: string): void;
}
