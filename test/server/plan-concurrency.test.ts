// POST /v1/plan takes no write lock: it reads one consistent snapshot, so a
// plan is answered while another replica's (or process's) write transaction
// is open, and it never sees that transaction's uncommitted rows. What it
// answers stays bound to its base_revision and plan_hash: the apply checks
// both again under the tenant's write lock.
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantState } from '../../core/model/index.js';
import { tenantLockKeys, WRITE_LOCK_KEY } from '../../server/db/postgres/database.js';
import { commit, desiredOf } from './helpers/apply.js';
import { ALPHA } from './helpers/fixtures.js';
import { createTestDatabase, storeMatrix, type StoreKind, type TestDatabase } from '../support/postgres.js';
import { startTestServer, type TestServer } from './helpers/server.js';

/** Another writer of the same database, holding its write transaction on tenant alpha open (with an uncommitted change). */
interface Holder {
  rollback(): Promise<void>;
}

async function holdWrite(store: StoreKind, s: TestServer, database: TestDatabase | undefined): Promise<Holder> {
  if (store === 'sqlite') {
    const db = new Database(s.config.dbPath);
    db.exec('BEGIN IMMEDIATE');
    db.prepare("UPDATE tenants SET name = 'uncommitted' WHERE key = 'alpha'").run();
    return {
      rollback: async () => {
        db.exec('ROLLBACK');
        db.close();
      },
    };
  }
  const client = new pg.Client({ connectionString: database!.url });
  await client.connect();
  await client.query('BEGIN');
  // The locks a replica's write to alpha takes (db/postgres/database.ts).
  await client.query('SELECT pg_advisory_xact_lock_shared($1), pg_advisory_xact_lock($2, $3)', [WRITE_LOCK_KEY, ...tenantLockKeys('alpha')]);
  await client.query("UPDATE tenants SET name = 'uncommitted' WHERE key = 'alpha'");
  return {
    rollback: async () => {
      await client.query('ROLLBACK');
      await client.end();
    },
  };
}

describe.each(storeMatrix())('POST /v1/plan beside an open write on the $store store', ({ store }) => {
  let a: TestServer;
  let b: TestServer;
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = store === 'postgres' ? await createTestDatabase() : undefined;
    a = await startTestServer({ tenants: [ALPHA], store, ...(database ? { database } : {}) });
    b = await startTestServer({ env: { FF_DB_PATH: a.config.dbPath }, store, ...(database ? { database } : {}) });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
    await database?.drop();
  });

  const changed = (variant: string): TenantState => {
    const next = structuredClone(ALPHA);
    const flag = next.flags.find((f) => f.key === 'new-checkout');
    if (!flag?.environments?.production) throw new Error('fixture changed: alpha has no new-checkout flag in production');
    flag.environments.production.default = { variant };
    return next;
  };
  const plan = (s: TestServer, state: TenantState) => s.call('POST', '/v1/plan', { body: { state: desiredOf(state) } });
  const apply = (s: TestServer, state: TenantState, base: number, hash: string) =>
    s.call('POST', '/v1/apply', { body: { state: desiredOf(state), base_revision: base, expected_plan_hash: hash, commit: commit('apply') } });

  it('answers while the write is open, from the committed state; the apply re-checks under the lock', async () => {
    const before = (await a.sql("SELECT revision FROM tenants WHERE key = 'alpha'"))[0]!.revision as number;
    const holder = await holdWrite(store, a, database);
    let reviewed: Record<string, unknown>;
    let pendingApply: Promise<Awaited<ReturnType<typeof apply>>> | undefined;
    try {
      const r = await plan(a, changed('on'));
      expect(r.status).toBe(200);
      reviewed = r.json.plan;
      expect(reviewed).toMatchObject({ base_revision: Number(before) });
      expect(r.json.plan.changes.map((c: { key: string }) => c.key)).toEqual(['new-checkout']);
      // Through the other replica too, and again: plans never queue behind the open write.
      expect((await plan(b, changed('on'))).json.plan.plan_hash).toBe(reviewed.plan_hash);
      if (store === 'postgres') {
        // An apply on the other replica waits for the tenant's lock; the plan did not.
        pendingApply = apply(b, changed('on'), Number(before), reviewed.plan_hash as string);
        await untilWaitingForLock(database!);
        expect((await plan(a, changed('on'))).status).toBe(200);
      }
    } finally {
      await holder.rollback();
    }
    const applied = pendingApply ? await pendingApply : await apply(b, changed('on'), Number(before), reviewed.plan_hash as string);
    expect(applied.status).toBe(200);
    expect(applied.json.revision).toBe(Number(before) + 1);
    // The same reviewed plan again, through the first replica: its base revision is gone.
    const stale = await apply(a, changed('on'), Number(before), reviewed.plan_hash as string);
    expect(stale.status).toBe(409);
    expect(stale.json.error.code).toBe('STALE_PLAN');
    expect(await a.sql("SELECT name FROM tenants WHERE key = 'alpha'")).not.toEqual([{ name: 'uncommitted' }]);
  });
});

async function untilWaitingForLock(database: TestDatabase): Promise<void> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    for (;;) {
      const { rows } = await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database
         WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = current_database()`,
      );
      if (Number(rows[0]!.n) > 0) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    await client.end();
  }
}
