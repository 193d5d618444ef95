// One contract for the experiment data store on both stores (the store
// matrix; SQLite with its results worker, as the server runs it): exposures keep the earliest per unit and variant, events are
// idempotent per id, allocations keep the first per revision, the per-unit
// summary splits events into before / counted / after and finds units that
// saw two variants, retention deletes by age except what it is told to keep.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/open.js';
import { PgDatabase } from '../../server/db/postgres/database.js';
import { migratePostgres } from '../../server/db/postgres/migrate.js';
import { openPostgresPool } from '../../server/db/postgres/pool.js';
import { createPgStores } from '../../server/db/postgres/stores.js';
import { FOREVER_MS, type ExperimentDataStore, type ExposureRow, type MetricEventRow } from '../../server/features/experiments/experiment-data-store.js';
import { ResultsReader } from '../../server/features/experiments/results-reader.js';
import type { RevisionStore } from '../../server/features/state/revision-store.js';
import { createStores } from '../../server/stores.js';
import { createTestDatabase, storeMatrix, type StoreKind } from '../support/postgres.js';

interface Opened {
  data: ExperimentDataStore;
  /** Either store's revisions (SQLite's answer at once; await takes both). */
  revisions: { record: (...args: Parameters<RevisionStore['record']>) => unknown };
  ensureTenant(key: string): Promise<unknown>;
  close(): Promise<void>;
}

async function open(store: StoreKind): Promise<Opened> {
  if (store === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'ff-experiment-contract-'));
    const db = openDatabase(path.join(dir, 'ff.db'));
    // As the server runs it: the summary on the results worker's own connection.
    const results = new ResultsReader(db.name, { maxQueue: 8, timeoutMs: 60_000 });
    const stores = createStores(db, { results });
    return {
      data: stores.experimentData,
      revisions: stores.revisions,
      ensureTenant: async (key) => stores.tenants.ensure(key, T0),
      close: async () => {
        await results.close();
        db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const database = await createTestDatabase();
  const pool = openPostgresPool(database.url, { max: 4 });
  await migratePostgres(pool);
  const pg = new PgDatabase(pool);
  const stores = createPgStores(pg);
  return {
    data: stores.experimentData,
    revisions: stores.revisions,
    ensureTenant: (key) => stores.tenants.ensure(key, T0),
    close: async () => {
      await pg.close();
      await database.drop();
    },
  };
}

const T0 = '2026-01-01T00:00:00.000Z';
const H = 3_600_000;
const BASE = Date.parse('2026-06-01T00:00:00Z');

const exposure = (unit: string, variant: string, at: number, revision = 1): ExposureRow => ({
  tenant: 'alpha',
  environment: 'production',
  experiment: 'exp',
  unit,
  variant,
  revision,
  commit: null,
  at,
  source: 'server',
});
const event = (id: string, unit: string, ts: number, value: number | null = null, name = 'purchase'): MetricEventRow => ({
  tenant: 'alpha',
  environment: 'production',
  id,
  event: name,
  unit,
  value,
  ts,
  receivedAt: ts,
});
const query = { tenant: 'alpha', environment: 'production', experiment: 'exp', start: BASE, stop: FOREVER_MS, event: 'purchase', windowMs: 24 * H };

describe.each(storeMatrix())('$store experiment data store', ({ store }) => {
  let o: Opened;
  beforeEach(async () => {
    o = await open(store);
    await o.ensureTenant('alpha');
  });
  afterEach(async () => o.close());

  it('keeps the earliest exposure per unit and variant, and sees units with two variants', async () => {
    await o.data.recordExposures([exposure('u1', 'a', BASE + 5 * H), exposure('u1', 'a', BASE + 2 * H, 2), exposure('u2', 'b', BASE + H)]);
    await o.data.recordExposures([exposure('u1', 'a', BASE + 9 * H, 3), exposure('u3', 'a', BASE + H), exposure('u3', 'b', BASE + 3 * H, 2)]);
    const { groups } = await o.data.metricSummary(query);
    // u1: its earliest row (revision 2) wins; u3 saw a, then b: one unit, counted under its first variant.
    expect(groups).toEqual([
      { variant: 'a', revision: 1, multi: true, units: 1, converted: 0, sum: 0, sumSquares: 0, events: 0, before: 0, after: 0 },
      { variant: 'a', revision: 2, multi: false, units: 1, converted: 0, sum: 0, sumSquares: 0, events: 0, before: 0, after: 0 },
      { variant: 'b', revision: 1, multi: false, units: 1, converted: 0, sum: 0, sumSquares: 0, events: 0, before: 0, after: 0 },
    ]);
  });

  it("splits each unit's events into before its exposure, counted within the window, and after", async () => {
    await o.data.recordExposures([exposure('u1', 'a', BASE + 10 * H), exposure('u2', 'b', BASE + 10 * H, 2)]);
    const r = await o.data.recordEvents([
      event('e1', 'u1', BASE + 9 * H, 5), // before
      event('e2', 'u1', BASE + 11 * H, 7), // counted
      event('e3', 'u1', BASE + 12 * H, 3), // counted
      event('e4', 'u1', BASE + 40 * H, 100), // after the 24 h window
      event('e5', 'u2', BASE + 11 * H, 2), // counted
      event('e6', 'stranger', BASE + 11 * H), // never exposed
      event('e7', 'u2', BASE + 11 * H, 50, 'other'), // another metric
    ]);
    expect(r).toEqual({ stored: 7, duplicates: 0 });
    const { groups, notExposed } = await o.data.metricSummary(query);
    expect(groups).toEqual([
      { variant: 'a', revision: 1, multi: false, units: 1, converted: 1, sum: 10, sumSquares: 100, events: 2, before: 1, after: 1 },
      { variant: 'b', revision: 2, multi: false, units: 1, converted: 1, sum: 2, sumSquares: 4, events: 1, before: 0, after: 0 },
    ]);
    expect(notExposed).toBe(1);
  });

  it('stores an event id once: a batch sent again, or a repeat inside one, is a duplicate', async () => {
    expect(await o.data.recordEvents([event('x', 'u', BASE), event('y', 'u', BASE)])).toEqual({ stored: 2, duplicates: 0 });
    expect(await o.data.recordEvents([event('x', 'u', BASE + H, 99), event('z', 'u', BASE), event('z', 'u', BASE)])).toEqual({ stored: 1, duplicates: 2 });
  });

  it('keeps the first allocation per revision and finds the commit of the latest apply at or before a revision', async () => {
    const alloc = { tenant: 'alpha', experiment: 'exp', environment: 'production', commit: 'c1', firstSeen: BASE };
    await o.data.recordAllocations([{ ...alloc, revision: 2, weights: { a: 50, b: 50 } }]);
    await o.data.recordAllocations([{ ...alloc, revision: 2, weights: { a: 1, b: 99 } }, { ...alloc, revision: 3, weights: { a: 20, b: 80 }, commit: null }]);
    expect(await o.data.allocations('alpha', 'exp')).toEqual([
      { ...alloc, revision: 2, weights: { a: 50, b: 50 } },
      { ...alloc, revision: 3, weights: { a: 20, b: 80 }, commit: null },
    ]);
    const commit = { sha: 'a'.repeat(40), message: 'm' };
    await o.revisions.record({ tenant: 'alpha', revision: 1, ts: T0, actor: 'x', source: 'git', commit, changes: [] });
    await o.revisions.record({ tenant: 'alpha', revision: 2, ts: T0, actor: 'x', source: 'api', commit: null, changes: [] });
    expect(await o.data.commitAt('alpha', 2)).toBe('a'.repeat(40));
    expect(await o.data.commitAt('alpha', 0)).toBeNull();
  });

  it('retention deletes events received and exposures first seen before the cut-off', async () => {
    await o.data.recordExposures([exposure('old', 'a', BASE - 10 * H), exposure('new', 'a', BASE + H)]);
    await o.data.recordEvents([event('old', 'old', BASE - 10 * H), event('new', 'new', BASE + H)]);
    expect(await o.data.prune(BASE, { experiments: [], events: [] })).toEqual({ events: 1, exposures: 1 });
    const { groups } = await o.data.metricSummary({ ...query, start: 0 });
    expect(groups.map((g) => g.units)).toEqual([1]);
  });

  it('retention keeps the exposures and metric events of the experiments it is told to keep, however old', async () => {
    const other = (row: ExposureRow): ExposureRow => ({ ...row, experiment: 'done' });
    await o.data.recordExposures([exposure('early', 'a', BASE - 10 * H), exposure('late', 'b', BASE + H), other(exposure('early', 'a', BASE - 10 * H))]);
    await o.data.recordEvents([
      event('kept', 'early', BASE - 9 * H), // the kept experiment's metric
      event('gone', 'early', BASE - 9 * H, null, 'unrelated'), // no kept experiment measures it
      { ...event('elsewhere', 'early', BASE - 9 * H), environment: 'staging' }, // same event name, another environment
      event('fresh', 'late', BASE + 2 * H, null, 'unrelated'), // young enough anyway
    ]);
    const keep = { experiments: [{ tenant: 'alpha', experiment: 'exp' }], events: [{ tenant: 'alpha', environment: 'production', event: 'purchase' }] };
    expect(await o.data.prune(BASE, keep)).toEqual({ events: 2, exposures: 1 });
    // The kept experiment still has its early unit, and the early unit's event still counts.
    const { groups } = await o.data.metricSummary({ ...query, start: 0 });
    expect(groups).toEqual([
      { variant: 'a', revision: 1, multi: false, units: 1, converted: 1, sum: 0, sumSquares: 0, events: 1, before: 0, after: 0 },
      { variant: 'b', revision: 1, multi: false, units: 1, converted: 0, sum: 0, sumSquares: 0, events: 0, before: 0, after: 0 },
    ]);
    expect((await o.data.metricSummary({ ...query, experiment: 'done', start: 0 })).groups).toEqual([]);
    // A key of another tenant keeps nothing here.
    expect(await o.data.prune(BASE + 3 * H, { experiments: [{ tenant: 'bravo', experiment: 'exp' }], events: [{ tenant: 'bravo', environment: 'production', event: 'purchase' }] })).toEqual({
      events: 2,
      exposures: 2,
    });
  });
});
