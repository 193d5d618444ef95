import type { FastifyBaseLogger } from 'fastify';
import type { ServerConfig } from '../config.js';
import { ResultsReader } from '../features/experiments/results-reader.js';
import { createStores, type Stores } from '../stores.js';
import { openDatabase, type Db } from './open.js';
import { PgDatabase } from './postgres/database.js';
import { migrateWhenReachable } from './postgres/open.js';
import { openPostgresPool } from './postgres/pool.js';
import { createPgStores } from './postgres/stores.js';

export type StoreKind = 'sqlite' | 'postgres';

/** The database the server runs on: FF_DATABASE_URL's PostgreSQL, or the SQLite file FF_DB_PATH. */
export interface OpenedStore {
  kind: StoreKind;
  stores: Stores;
  /** The SQLite connection (SQLite only). */
  sqlite: Db | undefined;
  /** The PostgreSQL pool and transactions (PostgreSQL only). */
  postgres: PgDatabase | undefined;
  /**
   * Resolves once the database answers and is migrated. SQLite: at once (it
   * was opened and migrated synchronously). PostgreSQL: connects and migrates
   * under the advisory lock, retrying an unreachable server with exponential
   * backoff, so a replica started before its database waits instead of
   * crash-looping (readiness stays 503 meanwhile).
   */
  ready(): Promise<void>;
  /** Stops waiting for an unreachable database (shutdown during start-up): ready() rejects. */
  abort(): void;
  close(): Promise<void>;
}

export function openStore(
  config: Pick<ServerConfig, 'databaseUrl' | 'dbPath'> & Partial<Pick<ServerConfig, 'resultsQueue' | 'resultsTimeoutMs'>>,
  log: FastifyBaseLogger,
): OpenedStore {
  if (config.databaseUrl === null) {
    const db = openDatabase(config.dbPath);
    // An in-memory database has no file a second connection could open.
    const results =
      config.dbPath === ':memory:' ? undefined : new ResultsReader(db.name, { maxQueue: config.resultsQueue ?? 8, timeoutMs: config.resultsTimeoutMs ?? 120_000 });
    return {
      kind: 'sqlite',
      stores: createStores(db, results === undefined ? {} : { results }),
      sqlite: db,
      postgres: undefined,
      ready: () => Promise.resolve(),
      abort: () => undefined,
      close: async () => {
        await results?.close();
        db.close();
      },
    };
  }
  // The pool connects lazily: building the app never waits for the database.
  const pool = openPostgresPool(config.databaseUrl, {
    onIdleError: (err) => log.warn({ err }, 'database: an idle connection was closed; the pool replaces it'),
  });
  const pg = new PgDatabase(pool);
  const abort = new AbortController();
  let migrated: Promise<void> | undefined;
  return {
    kind: 'postgres',
    stores: createPgStores(pg),
    sqlite: undefined,
    postgres: pg,
    ready: () =>
      (migrated ??= migrateWhenReachable(pool, {
        signal: abort.signal,
        onRetry: (err, attempt, delayMs) =>
          log.warn({ err: { message: err.message, code: (err as { code?: string }).code }, attempt, retry_in_ms: delayMs }, 'database: not reachable yet; retrying'),
      })),
    abort: () => abort.abort(),
    close: async () => {
      abort.abort();
      await migrated?.catch(() => undefined);
      await pg.close();
    },
  };
}
