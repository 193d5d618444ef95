// Vitest global setup for the PostgreSQL test tier. ONE server for the whole
// run: FF_TEST_DATABASE_URL (a superuser or a role allowed CREATE DATABASE)
// when set, otherwise a throwaway embedded server on a random port in a temp
// directory, stopped at the end. Tests get a fresh database each from
// `createTestDatabase()` (test/support/postgres.ts).
//
// Several projects may list this file: the first setup starts the server and
// the last teardown stops it (a reference count on the main process's global
// object, which every project's setup shares).
//
// At the end it writes test-results/postgres-tier.json: how many databases
// the tests created and from which files. `.ci/run` fails when that count is
// zero, so the tier can never be skipped silently.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedServer } from './embedded-postgres.js';
import type { PostgresTestContext } from './postgres.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const TIER_REPORT = path.join(ROOT, 'test-results', 'postgres-tier.json');

interface Shared {
  refs: number;
  context: PostgresTestContext;
  embedded: EmbeddedServer | null;
}

const KEY = Symbol.for('ff.test.postgres');
type WithShared = typeof globalThis & { [KEY]?: Promise<Shared> };

async function checkReachable(adminUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(`FF_TEST_DATABASE_URL: cannot connect (${(error as Error).message})`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function begin(): Promise<Shared> {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const ledger = path.join(tmpdir(), `ff-pg-ledger-${runId}.tsv`);
  writeFileSync(ledger, '');
  const external = process.env.FF_TEST_DATABASE_URL;
  let embedded: EmbeddedServer | null = null;
  let adminUrl: string;
  if (external !== undefined && external !== '') {
    await checkReachable(external);
    adminUrl = external;
  } else {
    embedded = await startEmbeddedPostgres();
    adminUrl = embedded.adminUrl;
  }
  return { refs: 0, embedded, context: { adminUrl, runId, ledger, external: embedded === null } };
}

function readLedger(ledger: string): { database: string; file: string }[] {
  let text = '';
  try {
    text = readFileSync(ledger, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [database = '', file = ''] = line.split('\t');
      return { database, file };
    });
}

async function end(shared: Shared): Promise<void> {
  const created = readLedger(shared.context.ledger);
  rmSync(shared.context.ledger, { force: true });
  if (shared.embedded !== null) {
    await shared.embedded.stop();
  } else {
    // A server we do not own keeps running: leave nothing of ours in it.
    const client = new pg.Client({ connectionString: shared.context.adminUrl });
    await client.connect();
    try {
      for (const { database } of created) {
        await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(database)} WITH (FORCE)`);
      }
    } finally {
      await client.end();
    }
  }
  const files = [...new Set(created.map((c) => c.file))].sort();
  mkdirSync(path.dirname(TIER_REPORT), { recursive: true });
  writeFileSync(
    TIER_REPORT,
    `${JSON.stringify(
      {
        server: shared.embedded === null ? 'FF_TEST_DATABASE_URL' : 'embedded-postgres',
        runId: shared.context.runId,
        finishedAt: new Date().toISOString(),
        databases: created.length,
        files,
      },
      null,
      2,
    )}\n`,
  );
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const g = globalThis as WithShared;
  g[KEY] ??= begin();
  let shared: Shared;
  try {
    shared = await g[KEY];
  } catch (error) {
    delete g[KEY];
    throw error;
  }
  shared.refs += 1;
  project.provide('ffPostgres', shared.context);
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    shared.refs -= 1;
    if (shared.refs > 0) return;
    delete g[KEY];
    await end(shared);
  };
}
