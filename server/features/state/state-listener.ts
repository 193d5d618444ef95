import type { TenantState } from '../../../core/model/index.js';
import type { StateChange } from '../../../core/validation/index.js';

/** A state this process holds (its evaluation index), at the revision it was read or written at. */
export interface HeldState {
  state: TenantState;
  revision: number;
}

/** What a commit changed relative to the state at `base`: the index recompiles only that. */
export interface CommittedChange {
  base: number;
  change: StateChange;
}

/**
 * Told after (never before) a transaction commits, so the in-memory indexes
 * swap only to states that are durable. The cross-process watcher calls the
 * same methods when another process committed.
 */
export interface StateListener {
  /**
   * The tenant's state as this process holds it, if it does: a write starts
   * from it (checked against the database revision inside the write
   * transaction) instead of reading and parsing every row.
   */
  held?(tenant: string): HeldState | undefined;
  stateCommitted(tenant: string, state: TenantState, revision: number, change?: CommittedChange): void;
  keysCommitted(tenant: string): void | Promise<void>;
  /**
   * A whole-tenant apply from files committed without changing the state:
   * no revision, no audit row, but the drift marks it clears are visible
   * (GET /v1/state, each document's meta), so the change stream says so
   * (`event: marks`). Told by the process that ran the apply only.
   */
  marksCommitted?(tenant: string, revision: number): void;
}
