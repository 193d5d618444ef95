// Change propagation between replicas on PostgreSQL: a commit on one replica
// reaches another's watcher through LISTEN/NOTIFY (sent by the tenants
// trigger, only on COMMIT); a killed listening connection is re-established
// and followed by a catch-up reload, so a change made meanwhile is not lost;
// an unreachable database at start is retried.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgChangeWatcher, type ChangeHint, type PgCheckTrigger } from '../../server/db/postgres/change-watcher.js';
import { PgDatabase } from '../../server/db/postgres/database.js';
import { migratePostgres } from '../../server/db/postgres/migrate.js';
import { openPostgresPool } from '../../server/db/postgres/pool.js';
import { createPgStores, type PgStores } from '../../server/db/postgres/stores.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

const T0 = '2026-01-01T00:00:00.000Z';
let database: TestDatabase;
let writer: PgDatabase;
let stores: PgStores;

beforeAll(async () => {
  database = await createTestDatabase();
  writer = new PgDatabase(openPostgresPool(database.url, { max: 3 }));
  await migratePostgres(writer.pool);
  stores = createPgStores(writer);
  await stores.tenants.ensure('alpha', T0);
});
afterAll(async () => {
  await writer.close();
  await database.drop();
});

function recorder() {
  const calls: { trigger: PgCheckTrigger; hint?: ChangeHint }[] = [];
  const states: string[] = [];
  const errors: unknown[] = [];
  return { calls, states, errors };
}

const bump = () => stores.transaction(() => stores.tenants.bumpRevision('alpha', T0));

describe('PostgreSQL change watcher', () => {
  it('a commit reaches the other replica as a notification with the revision; a rollback sends nothing', async () => {
    const r = recorder();
    const watcher = new PgChangeWatcher({
      url: database.url,
      safetyNetMs: 0,
      reload: (trigger, hint) => void r.calls.push(hint === undefined ? { trigger } : { trigger, hint }),
      onError: (e) => r.errors.push(e),
      onState: (s) => r.states.push(s),
    });
    try {
      await watcher.start();
      expect(r.calls).toEqual([{ trigger: 'connect' }]); // the catch-up after connecting
      expect(r.states).toEqual(['connected']);
      await expect(
        stores.transaction(async () => {
          await stores.tenants.bumpRevision('alpha', T0);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      const revision = await bump();
      await expect.poll(() => r.calls.length).toBe(2);
      expect(r.calls[1]).toEqual({ trigger: 'notify', hint: { tenant: 'alpha', revision, keysVersion: 0 } });
      // API key changes are announced too.
      const keys = await stores.transaction(() => stores.tenants.bumpKeysVersion('alpha', T0));
      await expect.poll(() => r.calls.length).toBe(3);
      expect(r.calls[2]?.hint).toEqual({ tenant: 'alpha', revision, keysVersion: keys });
      expect(r.errors).toEqual([]);
    } finally {
      await watcher.stop();
    }
  });

  it('a killed listening connection reconnects and catches up what changed while it was gone', async () => {
    const r = recorder();
    let seen = (await stores.tenants.get('alpha'))!.revision;
    const watcher = new PgChangeWatcher({
      url: database.url,
      safetyNetMs: 0,
      minBackoffMs: 50,
      // The consumer compares change marks (as the live index does), so a hint-less reload still finds the change.
      reload: async (trigger) => {
        r.calls.push({ trigger });
        seen = (await stores.tenants.get('alpha'))!.revision;
      },
      onError: (e) => r.errors.push(e),
      onState: (s) => r.states.push(s),
    });
    try {
      await watcher.start();
      const { rows } = await writer.pool.query<{ n: number }>(
        "SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = 'ff-server-listen' AND datname = current_database()",
      );
      expect(rows[0]?.n).toBe(1);
      await expect.poll(() => r.states).toContain('disconnected');
      // Written while nobody listens: no notification will ever arrive for it.
      const revision = await bump();
      await expect.poll(() => r.states.filter((s) => s === 'connected').length, { timeout: 15_000 }).toBe(2);
      await watcher.idle();
      expect(seen).toBe(revision);
      expect(r.calls.filter((c) => c.trigger === 'connect').length).toBe(2);
      expect(r.errors.length).toBeGreaterThan(0); // the termination was reported
    } finally {
      await watcher.stop();
    }
  });

  it('an unreachable database at start: the first connect fails and retries go on with backoff', async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = createServer();
      srv.listen(0, '127.0.0.1', () => {
        const a = srv.address();
        srv.close(() => resolve(typeof a === 'object' && a !== null ? a.port : 0));
      });
    });
    const r = recorder();
    const watcher = new PgChangeWatcher({
      url: `postgres://ff:ff@127.0.0.1:${port}/nothing`,
      safetyNetMs: 0,
      minBackoffMs: 20,
      maxBackoffMs: 40,
      reload: () => void r.calls.push({ trigger: 'connect' }),
      onError: (e) => r.errors.push(e),
    });
    await expect(watcher.start()).rejects.toThrow(/ECONNREFUSED/);
    await expect.poll(() => r.errors.length).toBeGreaterThanOrEqual(3);
    expect(watcher.isConnected).toBe(false);
    expect(r.calls).toEqual([]);
    await watcher.stop();
  });
});
