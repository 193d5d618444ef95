import type { Environment, Experiment, Flag, Segment } from '../../../core/model/index.js';
import { PgApiKeyStore } from './api-key-store.js';
import { PgAuditStore } from './audit-store.js';
import type { PgDatabase } from './database.js';
import { PgDocumentStore } from './document-store.js';
import { PgExperimentDataStore } from './experiment-data-store.js';
import { PgIdempotencyStore } from './idempotency-store.js';
import { PgRevisionStore } from './revision-store.js';
import { PgTenantStore } from './tenant-store.js';
import { PgUsageStore } from './usage-store.js';

/** The PostgreSQL stores, one per table family, all on one PgDatabase (pool + current transaction). */
export interface PgStores {
  tenants: PgTenantStore;
  environments: PgDocumentStore<Environment>;
  flags: PgDocumentStore<Flag>;
  segments: PgDocumentStore<Segment>;
  experiments: PgDocumentStore<Experiment>;
  revisions: PgRevisionStore;
  audit: PgAuditStore;
  apiKeys: PgApiKeyStore;
  idempotency: PgIdempotencyStore;
  experimentData: PgExperimentDataStore;
  usage: PgUsageStore;
  transaction<T>(fn: () => Promise<T>, tenant?: string): Promise<T>;
  read<T>(fn: () => Promise<T>): Promise<T>;
  afterCommit(fn: () => void | Promise<void>): void;
}

export function createPgStores(pg: PgDatabase): PgStores {
  return {
    tenants: new PgTenantStore(pg),
    environments: new PgDocumentStore<Environment>(pg, 'environment'),
    flags: new PgDocumentStore<Flag>(pg, 'flag'),
    segments: new PgDocumentStore<Segment>(pg, 'segment'),
    experiments: new PgDocumentStore<Experiment>(pg, 'experiment'),
    revisions: new PgRevisionStore(pg),
    audit: new PgAuditStore(pg),
    apiKeys: new PgApiKeyStore(pg),
    idempotency: new PgIdempotencyStore(pg),
    experimentData: new PgExperimentDataStore(pg),
    usage: new PgUsageStore(pg),
    transaction: (fn, tenant) => pg.transaction(fn, tenant),
    read: (fn) => pg.read(fn),
    afterCommit: (fn) => pg.afterCommit(fn),
  };
}
