// The store interfaces the services use, and the SQLite implementation of them
// (PostgreSQL's: db/postgres/stores.ts).
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
import { gated, SqliteGate } from './db/sqlite-gate.js';
import { SqliteUsageStore, type UsageStore } from './features/usage/usage-store.js';
import type { ResultsReader } from './features/experiments/results-reader.js';

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
   * Runs `fn` in ONE write transaction: everything `fn` does through the
   * stores commits or rolls back together. `tenant` names the one tenant it
   * writes (absent: it may write any). SQLite: BEGIN IMMEDIATE (takes the
   * database's one write lock up front, so two processes never deadlock
   * upgrading a read lock; `tenant` changes nothing); PostgreSQL: a
   * transaction that first takes that tenant's write advisory lock (absent:
   * every tenant's), so a tenant's writes are serialized across replicas
   * while different tenants' run in parallel. Nested calls are savepoints.
   */
  transaction<T>(fn: () => Promise<T>, tenant?: string): Promise<T>;
  /**
   * Runs `fn` in one read transaction (inside a write transaction: in that
   * one), so several statements see one committed state.
   */
  read<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Runs `fn` once the outermost transaction has committed (at once when none
   * is open): in-memory indexes must never see a state that could still roll
   * back. The transaction's promise resolves after the callbacks have run.
   */
  afterCommit(fn: () => void | Promise<void>): void;
}

/**
 * The SQLite stores on one better-sqlite3 connection. Every store is behind
 * the gate (db/sqlite-gate.ts): while one call chain's transaction is open,
 * another's statements wait for it instead of joining it. `results`: the
 * worker that aggregates experiment results off this thread (the server
 * passes one for a database file; without it they run here).
 */
export function createStores(db: Db, opts: { results?: ResultsReader } = {}): Stores {
  const gate = new SqliteGate(db);
  const experimentData = gated<ExperimentDataStore>(gate, new SqliteExperimentDataStore(db));
  const results = opts.results;
  return {
    tenants: gated<TenantStore>(gate, new SqliteTenantStore(db)),
    environments: gated<DocumentStore<Environment>>(gate, new SqliteDocumentStore<Environment>(db, 'environment')),
    flags: gated<DocumentStore<Flag>>(gate, new SqliteDocumentStore<Flag>(db, 'flag')),
    segments: gated<DocumentStore<Segment>>(gate, new SqliteDocumentStore<Segment>(db, 'segment')),
    experiments: gated<DocumentStore<Experiment>>(gate, new SqliteDocumentStore<Experiment>(db, 'experiment')),
    revisions: gated<RevisionStore>(gate, new SqliteRevisionStore(db)),
    audit: gated<AuditStore>(gate, new SqliteAuditStore(db)),
    apiKeys: gated<ApiKeyStore>(gate, new SqliteApiKeyStore(db)),
    idempotency: gated<IdempotencyStore>(gate, new SqliteIdempotencyStore(db)),
    // With a results reader the aggregation runs on its worker's own read
    // connection, outside the gate: a WAL reader holds up neither the writer
    // nor this connection's other callers.
    experimentData:
      results === undefined
        ? experimentData
        : {
            recordExposures: (rows) => experimentData.recordExposures(rows),
            recordAllocations: (rows) => experimentData.recordAllocations(rows),
            recordEvents: (rows) => experimentData.recordEvents(rows),
            commitAt: (tenant, revision) => experimentData.commitAt(tenant, revision),
            allocations: (tenant, experiment) => experimentData.allocations(tenant, experiment),
            metricSummary: (q) => results.metricSummary(q),
            prune: (before, keep) => experimentData.prune(before, keep),
          },
    usage: gated<UsageStore>(gate, new SqliteUsageStore(db)),
    transaction: (fn) => gate.transaction(fn),
    read: (fn) => gate.read(fn),
    afterCommit: (fn) => gate.afterCommit(fn),
  };
}
