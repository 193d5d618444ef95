// The PostgreSQL tier, seen from a test file: a fresh database per test file
// or server on the run's one PostgreSQL server (started by
// postgres-global-setup.ts), and the store matrix that runs one test body
// against both stores.
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { expect, inject } from 'vitest';

export interface PostgresTestContext {
  /** A connection string to the server's admin database, as a role that may CREATE DATABASE. */
  adminUrl: string;
  /** Prefix of every database this run creates. */
  runId: string;
  /** File the tests append each database they create to (counted and cleaned up at the end). */
  ledger: string;
  /** True when the server is FF_TEST_DATABASE_URL's (not ours to stop). */
  external: boolean;
}

declare module 'vitest' {
  export interface ProvidedContext {
    ffPostgres: PostgresTestContext;
  }
}

export function postgresContext(): PostgresTestContext {
  const context = inject('ffPostgres') as PostgresTestContext | undefined;
  if (context === undefined) {
    throw new Error('no PostgreSQL for this test: its vitest project must list test/support/postgres-global-setup.ts in globalSetup');
  }
  return context;
}

export interface TestDatabase {
  name: string;
  /** Connection string to the new, empty database (same role as the admin URL). */
  url: string;
  /** Drops it, closing any connection still open (tests that leave it to the run's end need not call this). */
  drop(): Promise<void>;
}

let counter = 0;

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/** The test file calling us, for the run's tier report. */
function callerFile(): string {
  const state = expect.getState();
  const file = state.testPath ?? 'unknown';
  return path.relative(process.cwd(), file);
}

/**
 * Enters a database a test created on the run's server by itself (not through
 * createTestDatabase) in the ledger: dropped at the run's end if the test did
 * not, and counted for the calling file in the tier report.
 */
export function recordTestDatabase(name: string): void {
  appendFileSync(postgresContext().ledger, `${name}\t${callerFile()}\n`);
}

/** CREATE DATABASE on the run's server: isolated from every other test file, server and worker. */
export interface CreateOptions {
  /** Collate with this ICU locale (e.g. 'en'): how production servers are often set up, unlike our C-locale one. */
  icuLocale?: string;
}

export async function createTestDatabase(options: CreateOptions = {}): Promise<TestDatabase> {
  const ctx = postgresContext();
  counter += 1;
  const name = `ff_t_${ctx.runId}_${process.pid}_${counter}`;
  const admin = new pg.Client({ connectionString: ctx.adminUrl });
  await admin.connect();
  try {
    const locale =
      options.icuLocale === undefined
        ? ''
        : ` TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE ${admin.escapeLiteral(options.icuLocale)} LOCALE 'C'`;
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}${locale}`);
  } finally {
    await admin.end();
  }
  recordTestDatabase(name);
  let dropped = false;
  return {
    name,
    url: withDatabase(ctx.adminUrl, name),
    drop: async () => {
      if (dropped) return;
      dropped = true;
      const client = new pg.Client({ connectionString: ctx.adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

export type StoreKind = 'sqlite' | 'postgres';
export const ALL_STORES: readonly StoreKind[] = ['sqlite', 'postgres'];

/**
 * The stores a storage test runs against, for `describe.each(storeMatrix())('$store store', ({ store }) => …)`.
 * Both by default; FF_TEST_STORES=sqlite (or postgres) narrows a local run.
 * `.ci/run` checks that the PostgreSQL tier created databases, so narrowing
 * it away in CI fails the run instead of skipping it.
 */
export function storeMatrix(env: NodeJS.ProcessEnv = process.env): { store: StoreKind }[] {
  const wanted = env.FF_TEST_STORES;
  if (wanted === undefined || wanted.trim() === '') return ALL_STORES.map((store) => ({ store }));
  const stores = wanted.split(',').map((s) => s.trim());
  for (const s of stores) {
    if (!ALL_STORES.includes(s as StoreKind)) throw new Error(`FF_TEST_STORES: unknown store "${s}" (sqlite, postgres)`);
  }
  return ALL_STORES.filter((s) => stores.includes(s)).map((store) => ({ store }));
}
