// Wires the SQLite stores once (createDb → createStores → createServices).
import type { Database as Db } from 'better-sqlite3';
import type { Environment, Experiment, Flag, Segment } from '../core/model/index.js';
import { SqliteApiKeyStore, type ApiKeyStore } from './features/api-keys/api-key-store.js';
import { SqliteAuditStore, type AuditStore } from './features/audit/audit-store.js';
import { SqliteDocumentStore } from './features/documents/sqlite-document-store.js';
import { SqliteExperimentDataStore, type ExperimentDataStore } from './features/experiments/experiment-data-store.js';
import type { DocumentStore } from './features/documents/types.js';
import { SqliteRevisionStore, type RevisionStore } from './features/state/revision-store.js';
import { SqliteTenantStore, type TenantStore } from './features/state/tenant-store.js';
import { SqliteIdempotencyStore, type IdempotencyStore } from './idempotency/idempotency-store.js';
import { SqliteUsageStore, type UsageStore } from './features/usage/usage-store.js';

export interface Stores {
  tenants: TenantStore;
  environments: DocumentStore<Environment>;
  flags: DocumentStore<Flag>;
  segments: DocumentStore<Segment>;
  experiments: DocumentStore<Experiment>;
  revisions: RevisionStore;
  audit: AuditStore;
  apiKeys: ApiKeyStore;
  idempotency: IdempotencyStore;
  /** Exposures, metric events, allocations (asynchronous). */
  experimentData: ExperimentDataStore;
  /** Evaluation counts per flag and day (asynchronous: written in the background, never inside a state transaction). */
  usage: UsageStore;
  /**
   * Runs `fn` in ONE write transaction (BEGIN IMMEDIATE: takes the write lock
   * up front, so two processes never deadlock upgrading a read lock).
   * Everything `fn` does through the stores commits or rolls back together.
   */
  transaction<T>(fn: () => T): T;
  /**
   * Runs `fn` in one read transaction (inside a write transaction: in that
   * one), so several statements see one committed state.
   */
  read<T>(fn: () => T): T;
  /**
   * Runs `fn` once the outermost transaction has committed (at once when none
   * is open): in-memory indexes must never see a state that could still roll back.
   */
  afterCommit(fn: () => void): void;
}

export function createStores(db: Db): Stores {
  let depth = 0;
  let pending: (() => void)[] = [];
  const transaction = <T>(fn: () => T): T => {
    if (depth > 0) {
      // Nested: better-sqlite3 turns it into a savepoint. Drop callbacks queued
      // inside it when it rolls back.
      const mark = pending.length;
      depth++;
      try {
        return db.transaction(fn)();
      } catch (err) {
        pending.length = mark;
        throw err;
      } finally {
        depth--;
      }
    }
    depth++;
    let result: T;
    try {
      result = db.transaction(fn).immediate();
    } catch (err) {
      pending = [];
      throw err;
    } finally {
      depth--;
    }
    const callbacks = pending;
    pending = [];
    for (const cb of callbacks) cb();
    return result;
  };
  return {
    tenants: new SqliteTenantStore(db),
    environments: new SqliteDocumentStore<Environment>(db, 'environment'),
    flags: new SqliteDocumentStore<Flag>(db, 'flag'),
    segments: new SqliteDocumentStore<Segment>(db, 'segment'),
    experiments: new SqliteDocumentStore<Experiment>(db, 'experiment'),
    revisions: new SqliteRevisionStore(db),
    audit: new SqliteAuditStore(db),
    apiKeys: new SqliteApiKeyStore(db),
    idempotency: new SqliteIdempotencyStore(db),
    experimentData: new SqliteExperimentDataStore(db),
    usage: new SqliteUsageStore(db),
    transaction,
    read: (fn) => (depth > 0 ? fn() : db.transaction(fn).deferred()),
    afterCommit: (fn) => {
      if (depth > 0) pending.push(fn);
      else fn();
    },
  };
}
