// One contract for the usage table on both stores: increments add up (also
// from several writers at once), the window counts only its days while the
// last evaluation is the latest ever, and purge drops old days.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/open.js';
import { PgDatabase } from '../../server/db/postgres/database.js';
import { migratePostgres } from '../../server/db/postgres/migrate.js';
import { openPostgresPool } from '../../server/db/postgres/pool.js';
import { PgUsageStore } from '../../server/db/postgres/usage-store.js';
import type { UsageIncrement, UsageStore } from '../../server/features/usage/usage-store.js';
import { createStores } from '../../server/stores.js';
import { createTestDatabase, storeMatrix, type StoreKind } from '../support/postgres.js';

interface Opened {
  usage: UsageStore;
  /** A second, independent connection to the same database: another server process. */
  other(): Promise<UsageStore>;
  close(): Promise<void>;
}

async function open(store: StoreKind): Promise<Opened> {
  if (store === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'ff-usage-'));
    const file = path.join(dir, 'ff.db');
    const dbs = [openDatabase(file)];
    return {
      usage: createStores(dbs[0]!).usage,
      other: async () => {
        const db = openDatabase(file);
        dbs.push(db);
        return createStores(db).usage;
      },
      close: async () => {
        for (const db of dbs) db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const database = await createTestDatabase();
  const pools = [openPostgresPool(database.url, { max: 4 })];
  await migratePostgres(pools[0]!);
  return {
    usage: new PgUsageStore(new PgDatabase(pools[0]!)),
    other: async () => {
      const pool = openPostgresPool(database.url, { max: 4 });
      pools.push(pool);
      return new PgUsageStore(new PgDatabase(pool));
    },
    close: async () => {
      for (const pool of pools) await pool.end();
      await database.drop();
    },
  };
}

const inc = (flag: string, day: string, count: number, lastAt: string, environment = 'production', tenant = 'acme'): UsageIncrement => ({
  tenant,
  environment,
  flag,
  day,
  count,
  lastAt,
});

describe.each(storeMatrix())('$store usage store', ({ store }) => {
  let opened: Opened;
  beforeEach(async () => {
    opened = await open(store);
  });
  afterEach(async () => {
    await opened.close();
  });

  it('adds increments to their day, keeps the latest time, and summarizes a window per flag and environment', async () => {
    const u = opened.usage;
    await u.add([
      inc('checkout', '2026-01-01', 5, '2026-01-01T10:00:00.000Z'),
      inc('checkout', '2026-01-02', 2, '2026-01-02T09:00:00.000Z'),
      inc('checkout', '2026-01-02', 3, '2026-01-02T08:00:00.000Z'), // same row twice in one batch: merged
      inc('checkout', '2026-01-02', 1, '2026-01-02T11:00:00.000Z', 'staging'),
      inc('banner', '2025-12-01', 7, '2025-12-01T00:00:01.000Z'),
      inc('checkout', '2026-01-02', 100, '2026-01-02T12:00:00.000Z', 'production', 'other'),
    ]);
    await u.add([inc('checkout', '2026-01-02', 10, '2026-01-02T07:00:00.000Z')]); // an older time does not move last
    await u.add([]);
    expect(await u.summary('acme', '2026-01-02')).toEqual([
      { flag: 'banner', environment: 'production', count: 0, lastEvaluatedAt: '2025-12-01T00:00:01.000Z' },
      { flag: 'checkout', environment: 'production', count: 15, lastEvaluatedAt: '2026-01-02T09:00:00.000Z' },
      { flag: 'checkout', environment: 'staging', count: 1, lastEvaluatedAt: '2026-01-02T11:00:00.000Z' },
    ]);
    expect(await u.summary('acme', '2025-01-01', ['banner', 'missing'])).toEqual([
      { flag: 'banner', environment: 'production', count: 7, lastEvaluatedAt: '2025-12-01T00:00:01.000Z' },
    ]);
    expect(await u.summary('acme', '2025-01-01', [])).toEqual([]);
    expect(await u.summary('nobody', '2025-01-01')).toEqual([]);
    expect(await u.purge('2026-01-01')).toBe(1);
    expect((await u.summary('acme', '2000-01-01')).map((r) => r.flag)).toEqual(['checkout', 'checkout']);
  });

  it('several processes flushing the same rows at once add up, none overwrites another', async () => {
    const writers = [opened.usage, await opened.other(), await opened.other()];
    const batch = (n: number) => [
      inc('a', '2026-02-01', n, `2026-02-01T00:00:0${n}.000Z`),
      inc('b', '2026-02-01', n, `2026-02-01T00:00:0${n}.000Z`),
      inc('a', '2026-02-01', n, `2026-02-01T00:00:0${n}.000Z`, 'staging'),
    ];
    await Promise.all(writers.flatMap((w, i) => [1, 2, 3].map((n) => w.add(batch(n + i)))));
    // Each writer i adds (1+i)+(2+i)+(3+i) per row: 6 + 9 + 12.
    expect(await opened.usage.summary('acme', '2026-01-01')).toEqual([
      { flag: 'a', environment: 'production', count: 27, lastEvaluatedAt: '2026-02-01T00:00:05.000Z' },
      { flag: 'a', environment: 'staging', count: 27, lastEvaluatedAt: '2026-02-01T00:00:05.000Z' },
      { flag: 'b', environment: 'production', count: 27, lastEvaluatedAt: '2026-02-01T00:00:05.000Z' },
    ]);
  });

  it('a batch larger than one statement is written whole', async () => {
    const many = Array.from({ length: 2500 }, (_, i) => inc(`f${String(i).padStart(4, '0')}`, '2026-03-01', 1, '2026-03-01T00:00:00.000Z'));
    await opened.usage.add(many);
    const rows = await opened.usage.summary('acme', '2026-03-01');
    expect(rows).toHaveLength(2500);
    expect(rows.every((r) => r.count === 1)).toBe(true);
  });
});
