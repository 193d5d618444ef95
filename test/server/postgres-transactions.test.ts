// PostgreSQL write transactions: all or nothing, savepoints for nested calls,
// afterCommit only after COMMIT, writers serialized across "replicas" (two
// pools on one database), and a connection killed mid-transaction
// (pg_terminate_backend) leaves nothing partial.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Flag } from '../../core/model/index.js';
import { PgDatabase } from '../../server/db/postgres/database.js';
import { migratePostgres } from '../../server/db/postgres/migrate.js';
import { openPostgresPool } from '../../server/db/postgres/pool.js';
import { createPgStores, type PgStores } from '../../server/db/postgres/stores.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

const T0 = '2026-01-01T00:00:00.000Z';
const flag = (key: string) => ({ key, type: 'boolean', variations: { on: true, off: false }, default: 'off' }) as unknown as Flag;

let database: TestDatabase;
let a: PgDatabase;
let b: PgDatabase;
let sa: PgStores;
let sb: PgStores;

beforeAll(async () => {
  database = await createTestDatabase();
  a = new PgDatabase(openPostgresPool(database.url, { max: 4, applicationName: 'replica-a' }));
  b = new PgDatabase(openPostgresPool(database.url, { max: 4, applicationName: 'replica-b' }));
  await migratePostgres(a.pool);
  sa = createPgStores(a);
  sb = createPgStores(b);
  await sa.tenants.ensure('alpha', T0);
});
afterAll(async () => {
  await a.close();
  await b.close();
  await database.drop();
});

/** One write through the stores: bump the revision, insert a flag, record the revision. */
async function write(s: PgStores, key: string, tenant = 'alpha'): Promise<number> {
  const revision = await s.tenants.bumpRevision(tenant, T0);
  await s.flags.insert({ tenant, key, doc: flag(key), revision, managedBy: 'api', gitCommit: null, at: T0, by: 't' });
  await s.revisions.record({ tenant, revision, ts: T0, actor: 't', source: 'api', commit: null, changes: [] });
  return revision;
}

/** Resolves once some connection is waiting for an advisory lock (its statement blocked, not slow). */
async function untilWaitingForLock(): Promise<void> {
  for (;;) {
    const { rows } = await b.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_locks l JOIN pg_database d ON d.oid = l.database
       WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = current_database()`,
    );
    if (Number(rows[0]!.n) > 0) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A write transaction on tenant `tenant` held open until `release()`: the hook that proves overlap by order. */
function holdOpen(s: PgStores, tenant: string, key: string) {
  let release!: () => void;
  let opened!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const isOpen = new Promise<void>((resolve) => (opened = resolve));
  const done = s.transaction(async () => {
    const revision = await write(s, key, tenant);
    opened();
    await released;
    return revision;
  }, tenant);
  return { isOpen, release, done };
}

describe('PostgreSQL transactions', () => {
  it('commit everything or nothing; afterCommit runs only after COMMIT', async () => {
    const before = (await sa.tenants.get('alpha'))!.revision;
    const seen: string[] = [];
    await expect(
      sa.transaction(async () => {
        await write(sa, 'doomed');
        sa.afterCommit(() => void seen.push('doomed'));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await sa.flags.get('alpha', 'doomed')).toBeUndefined();
    expect((await sa.tenants.get('alpha'))!.revision).toBe(before);
    expect(seen).toEqual([]);

    const revision = await sa.transaction(async () => {
      const r = await write(sa, 'kept');
      sa.afterCommit(() => void seen.push(`kept@${r}`));
      // Not yet visible to another replica: the transaction is open.
      expect(await sb.flags.get('alpha', 'kept')).toBeUndefined();
      expect(seen).toEqual([]);
      return r;
    });
    expect(seen).toEqual([`kept@${revision}`]);
    expect(await sb.flags.get('alpha', 'kept')).toMatchObject({ revision });
  });

  it('a failed nested call rolls back only itself and drops its callbacks', async () => {
    const seen: string[] = [];
    await sa.transaction(async () => {
      await write(sa, 'outer');
      await expect(
        sa.transaction(async () => {
          await write(sa, 'inner');
          sa.afterCommit(() => void seen.push('inner'));
          throw new Error('inner failed');
        }),
      ).rejects.toThrow('inner failed');
      sa.afterCommit(() => void seen.push('outer'));
    });
    expect((await sa.flags.get('alpha', 'outer'))?.key).toBe('outer');
    expect(await sa.flags.get('alpha', 'inner')).toBeUndefined();
    expect(seen).toEqual(['outer']);
  });

  it('writers on two replicas are serialized: every revision is taken once, none lost', async () => {
    const start = (await sa.tenants.get('alpha'))!.revision;
    const writes = Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? sa : sb)).map((s, i) =>
      s.transaction(async () => {
        // Read, then write from what was read: only safe when no other writer runs in between.
        const current = (await s.tenants.get('alpha'))!.revision;
        const revision = await write(s, `concurrent-${i}`);
        expect(revision).toBe(current + 1);
        return revision;
      }),
    );
    const revisions = await Promise.all(writes);
    expect([...revisions].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => start + i + 1));
    expect((await sa.revisions.since('alpha', start, 100)).map((r) => r.revision)).toEqual(revisions.sort((x, y) => x - y));
  });

  it('writes to different tenants run in parallel across replicas; one tenant\'s writes stay serialized', async () => {
    await sa.tenants.ensure('beta', T0);
    const start = (await sa.tenants.get('alpha'))!.revision;
    const held = holdOpen(sa, 'alpha', 'held');
    await held.isOpen;

    // Replica B commits a write to beta while alpha's transaction is still open on replica A.
    const betaRevision = await sb.transaction(() => write(sb, 'beta-during', 'beta'), 'beta');
    expect(await sb.flags.get('beta', 'beta-during')).toMatchObject({ revision: betaRevision });
    expect(await sb.flags.get('alpha', 'held')).toBeUndefined();

    // A write to alpha on B waits for A's, then reads what A committed: no lost update, no stale read.
    let settled = false;
    const next = sb
      .transaction(async () => {
        const current = (await sb.tenants.get('alpha'))!.revision;
        const revision = await write(sb, 'after-held');
        return { current, revision };
      }, 'alpha')
      .finally(() => (settled = true));
    await untilWaitingForLock();
    expect(settled).toBe(false);
    // So does a write that names no tenant (it locks every tenant).
    let allSettled = false;
    const all = sb.transaction(() => write(sb, 'everyone', 'beta')).finally(() => (allSettled = true));
    held.release();
    expect(await held.done).toBe(start + 1);
    expect(await next).toEqual({ current: start + 1, revision: start + 2 });
    await all;
    expect(allSettled).toBe(true);
  });

  it('a write that names no tenant holds every tenant\'s writes back until it commits', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let opened!: () => void;
    const isOpen = new Promise<void>((resolve) => (opened = resolve));
    const global = sa.transaction(async () => {
      await write(sa, 'global-held', 'beta');
      opened();
      await released;
    });
    await isOpen;
    let settled = false;
    const tenantWrite = sb.transaction(() => write(sb, 'waits-for-global', 'alpha'), 'alpha').finally(() => (settled = true));
    await untilWaitingForLock();
    expect(settled).toBe(false);
    release();
    await global;
    await tenantWrite;
    expect((await sb.flags.get('alpha', 'waits-for-global'))?.key).toBe('waits-for-global');
  });

  it('read() sees one snapshot even while another replica commits, and takes no write lock', async () => {
    const [first, second, outside] = await sa.read(async () => {
      const a1 = (await sa.tenants.get('alpha'))!.revision;
      const committed = await sb.transaction(() => write(sb, 'during-read')); // not blocked by the read
      const a2 = (await sa.tenants.get('alpha'))!.revision;
      return [a1, a2, committed];
    });
    expect(second).toBe(first);
    expect(outside).toBe(first + 1);
    expect((await sa.tenants.get('alpha'))!.revision).toBe(first + 1);
  });

  it('a connection killed in the middle of a write leaves nothing partial', async () => {
    const before = (await sa.tenants.get('alpha'))!.revision;
    await expect(
      sa.transaction(async () => {
        await write(sa, 'half');
        const { rows } = await a.db().query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        // Another replica's connection kills ours, as a failover or an operator would.
        await b.pool.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
        await sa.flags.insert({ tenant: 'alpha', key: 'half-2', doc: flag('half-2'), revision: before + 1, managedBy: 'api', gitCommit: null, at: T0, by: 't' });
      }),
    ).rejects.toThrow();
    expect(await sb.flags.get('alpha', 'half')).toBeUndefined();
    expect(await sb.flags.get('alpha', 'half-2')).toBeUndefined();
    expect((await sb.tenants.get('alpha'))!.revision).toBe(before);
    // The pool replaced the dead connection: the replica writes again.
    const revision = await sa.transaction(() => write(sa, 'after-kill'));
    expect(revision).toBe(before + 1);
  });
});
