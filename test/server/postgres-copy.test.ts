// Moving house: a real SQLite database (written through the real write path)
// copied into a fresh PostgreSQL database holds the same rows, verified by
// counts and per-tenant content hashes read back from both sides, and the
// PostgreSQL stores read it back as the SQLite stores do.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Db } from '../../server/db/open.js';
import { copySqliteToPostgres, CopyError, postgresFingerprint, sqliteFingerprint } from '../../server/db/postgres/copy-from-sqlite.js';
import { PgDatabase } from '../../server/db/postgres/database.js';
import { openPostgresPool } from '../../server/db/postgres/pool.js';
import { createPgStores } from '../../server/db/postgres/stores.js';
import { main } from '../../server/main.js';
import { replaceTenantState } from '../../server/features/state/replace-state.js';
import { createStores, type Stores } from '../../server/stores.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { ALPHA } from './helpers/fixtures.js';

const listener = { stateCommitted: () => {}, keysCommitted: () => {} };
const ctx = (actor: string) => ({ actor, source: 'git' as const, requestId: 'req-1', commit: { sha: 'abc1234def5678', author: 'Alice' }, now: '2026-01-01T00:00:00.000Z' });

let dir: string;
let sqlite: Db;
let stores: Stores;
let target: TestDatabase;
let pg: PgDatabase;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'ff-copy-'));
  sqlite = openDatabase(path.join(dir, 'ff.db'));
  stores = createStores(sqlite);
  await replaceTenantState(stores, listener, ctx('alice'), ALPHA, { allowDelete: false });
  await replaceTenantState(stores, listener, ctx('bob'), { ...ALPHA, tenant: 'beta' }, { allowDelete: false });
  // A second revision for alpha (one flag archived through a document update).
  const first = (await stores.flags.all('alpha'))[0]!;
  await stores.transaction(async () => {
    const revision = await stores.tenants.bumpRevision('alpha', '2026-01-02T00:00:00.000Z');
    await stores.flags.update('alpha', first.key, { archived: { at: '2026-01-02T00:00:00.000Z', by: 'carol' }, revision, at: '2026-01-02T00:00:00.000Z', by: 'carol' });
    await stores.revisions.record({ tenant: 'alpha', revision, ts: '2026-01-02T00:00:00.000Z', actor: 'carol', source: 'api', commit: null, changes: [] });
    // A forced write's row: the break-glass mark must survive the move.
    await stores.audit.record({ tenant: 'alpha', ts: '2026-01-02T00:00:00.000Z', actor: 'carol', source: 'api', environment: null, resource: 'flag', key: first.key, action: 'archive', before: null, after: null, revision, commitSha: null, requestId: null, reason: 'outage', forced: true });
  });
  await stores.apiKeys.insert({ id: 'key1', tenant: 'alpha', environment: 'production', name: 'Web', verifier: 'ab'.repeat(32), createdAt: '2026-01-01T00:00:00.000Z', createdBy: 'alice' });
  await stores.idempotency.save(
    { tenant: 'alpha', actor: 'alice', route: 'POST /v1/flags', key: 'k' },
    { requestHash: 'h', status: 201, headers: { etag: '"1"' }, body: { ok: true }, createdAt: '2026-01-01T00:00:00.000Z' },
  );
  // What experiments measured, for both tenants (a unit id with characters that sort differently by locale).
  for (const tenant of ['alpha', 'beta']) {
    await stores.experimentData.recordExposures(
      ['u-1', 'u-2', 'U-3', 'ü-4'].map((unit, i) => ({ tenant, environment: 'production', experiment: 'checkout-test', unit, variant: i % 2 === 0 ? 'old' : 'new', revision: 1, commit: i === 0 ? 'abc1234' : null, at: 1_767_225_600_000 + i, source: 'server' as const })),
    );
    await stores.experimentData.recordAllocations([{ tenant, experiment: 'checkout-test', environment: 'production', revision: 1, weights: { old: 50, new: 50 }, commit: 'abc1234', firstSeen: 1_767_225_600_000 }]);
    await stores.experimentData.recordEvents(
      ['u-1', 'u-2', 'U-3', 'ü-4', 'u-1'].map((unit, i) => ({ tenant, environment: 'production', id: `e-${i}`, event: i < 2 ? 'purchase' : 'revenue', unit, value: i < 2 ? null : 12.5 * i, ts: 1_767_225_600_100 + i, receivedAt: 1_767_225_600_200 })),
    );
  }
  target = await createTestDatabase();
  pg = new PgDatabase(openPostgresPool(target.url, { max: 3 }));
});
afterAll(async () => {
  await pg?.close();
  sqlite?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('copy SQLite → PostgreSQL', () => {
  it('copies every table; counts and per-tenant hashes match; the PostgreSQL stores read the same', async () => {
    const report = await copySqliteToPostgres(sqlite, pg.pool);
    const source = sqliteFingerprint(sqlite);
    expect(report).toEqual(source);
    expect(await postgresFingerprint(pg.pool)).toEqual(source);
    const counts = Object.fromEntries(report.map((r) => [r.table, r.rows]));
    expect(counts.tenants).toBe(2);
    expect(counts.flags).toBeGreaterThan(0);
    expect(counts.revisions).toBe(3);
    expect(counts.audit).toBeGreaterThan(counts.flags!);
    expect(counts.api_keys).toBe(1);
    expect(counts.idempotency_keys).toBe(1);
    expect(counts.exposures).toBe(8);
    expect(counts.experiment_allocations).toBe(2);
    expect(counts.metric_events).toBe(10);
    expect(Object.keys(report.find((r) => r.table === 'metric_events')!.hashes)).toEqual(['alpha', 'beta']);
    expect(Object.keys(report.find((r) => r.table === 'flags')!.hashes)).toEqual(['alpha', 'beta']);

    const p = createPgStores(pg);
    for (const kind of ['environments', 'flags', 'segments'] as const) {
      for (const tenant of ['alpha', 'beta']) expect(await p[kind].all(tenant)).toEqual(await stores[kind].all(tenant));
    }
    expect(await p.tenants.list()).toEqual(await stores.tenants.list());
    expect(await p.revisions.since('alpha', 0, 100)).toEqual(await stores.revisions.since('alpha', 0, 100));
    expect(await p.audit.query('alpha', { limit: 1000 })).toEqual(await stores.audit.query('alpha', { limit: 1000 }));
    expect((await p.audit.query('alpha', { limit: 1000 })).filter((a) => a.forced).map((a) => a.reason)).toEqual(['outage']);
    expect(await p.apiKeys.all()).toEqual(await stores.apiKeys.all());
    // Results read from the copy are those of the source.
    for (const tenant of ['alpha', 'beta']) {
      expect(await p.experimentData.allocations(tenant, 'checkout-test')).toEqual(await stores.experimentData.allocations(tenant, 'checkout-test'));
      for (const event of ['purchase', 'revenue']) {
        const q = { tenant, environment: 'production', experiment: 'checkout-test', start: 0, stop: 8_000_000_000_000_000, event, windowMs: 8_000_000_000_000_000 };
        expect(await p.experimentData.metricSummary(q)).toEqual(await stores.experimentData.metricSummary(q));
      }
    }

    // Ids continue after the copied ones: a new audit row does not collide.
    await p.audit.record({ tenant: 'alpha', ts: '2026-02-01T00:00:00.000Z', actor: 'x', source: 'api', environment: null, resource: 'flag', key: 'n', action: 'create', before: null, after: null, revision: null, commitSha: null, requestId: null, reason: null, forced: false });
    const newest = (await p.audit.query('alpha', { limit: 1 }))[0]!;
    expect(newest.key).toBe('n');
    expect(newest.id).toBeGreaterThan(Math.max(...(await stores.audit.query('alpha', { limit: 1000 })).map((a) => a.id)));
  });

  it('refuses a database that already holds tenants, and changes nothing', async () => {
    const before = await postgresFingerprint(pg.pool);
    await expect(copySqliteToPostgres(sqlite, pg.pool)).rejects.toThrow(CopyError);
    expect(await postgresFingerprint(pg.pool)).toEqual(before);
  });

  it('ff-server migrate-store copies a SQLite file and says it verified the copy; bad arguments are configuration errors', async () => {
    const run = async (...args: string[]) => {
      let out = '';
      let err = '';
      const o = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
      const e = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
      const before = process.exitCode;
      try {
        await main(['node', 'ff-server', 'migrate-store', ...args]);
        return { out, err, code: process.exitCode ?? 0 };
      } finally {
        o.mockRestore();
        e.mockRestore();
        process.exitCode = before;
      }
    };
    const fresh = await createTestDatabase();
    const ok = await run('--from', `sqlite:${path.join(dir, 'ff.db')}`, '--to', fresh.url);
    expect(ok.err).toBe('');
    expect(ok.out).toMatch(/^tenants: 2 row\(s\), 2 tenant\(s\)$/m);
    expect(ok.out).toMatch(/^verified: row counts and per-tenant sha256 of every table match$/m);
    const again = await run('--from', `sqlite:${path.join(dir, 'ff.db')}`, '--to', fresh.url);
    expect(again).toMatchObject({ code: 1, err: 'migrate-store: the PostgreSQL database already holds tenants: copy only into an empty one\n' });
    expect(await run('--from', path.join(dir, 'ff.db'), '--to', fresh.url)).toMatchObject({ code: 1, err: expect.stringMatching(/^configuration error: --from must be sqlite:PATH/) });
    expect(await run('--from', 'sqlite:/nonexistent/ff.db', '--to', fresh.url)).toMatchObject({ code: 1, err: expect.stringMatching(/no SQLite file/) });
    const bad = await run('--from', `sqlite:${path.join(dir, 'ff.db')}`, '--to', 'mysql://u:s3cret@h/db');
    expect(bad).toMatchObject({ code: 1, err: expect.stringMatching(/^configuration error: FF_DATABASE_URL must be a postgres/) });
    expect(bad.err).not.toContain('s3cret');
    const wrong = new URL(fresh.url);
    wrong.password = 'not-the-s3cret';
    const refused = await run('--from', `sqlite:${path.join(dir, 'ff.db')}`, '--to', wrong.toString());
    expect(refused).toMatchObject({ code: 1, err: expect.stringMatching(/^migrate-store: PostgreSQL \(--to\): .*\[28P01\]\n$/) });
    expect(refused.err).not.toContain('s3cret');
    await fresh.drop();
  });
});
