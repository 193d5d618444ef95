import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TenantState } from '../../core/model/index.js';
import { openDatabase, type Db } from '../../server/db/open.js';
import { migrate } from '../../server/db/migrate.js';
import { MIGRATIONS } from '../../server/db/migrations/index.js';
import { readTenantState } from '../../server/features/state/read-state.js';
import { replaceTenantState } from '../../server/features/state/replace-state.js';
import type { StateListener } from '../../server/features/state/state-listener.js';
import { createStores, type Stores } from '../../server/stores.js';
import { ALPHA } from './helpers/fixtures.js';

const ctx = (actor = 'tester') => ({ actor, source: 'git' as const, requestId: null, commit: { sha: 'abc1234def' }, now: new Date().toISOString() });

describe('SQLite storage', () => {
  let dir: string;
  let db: Db;
  let stores: Stores;
  const committed: { tenant: string; revision: number }[] = [];
  const listener: StateListener = {
    stateCommitted: (tenant, _state, revision) => void committed.push({ tenant, revision }),
    keysCommitted: () => {},
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ff-storage-'));
    db = openDatabase(path.join(dir, 'nested', 'ff.db'));
    stores = createStores(db);
    committed.length = 0;
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the folder, runs in WAL with foreign keys and a busy timeout', async () => {
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
  });

  it('records applied migrations and applies each only once', async () => {
    const rows = db.prepare('SELECT version, name FROM schema_migrations').all();
    expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    expect(migrate(db)).toEqual([]);
    const extra = { version: 999, name: 'probe', sql: 'CREATE TABLE probe (x INTEGER);' };
    expect(migrate(db, [...MIGRATIONS, extra])).toEqual([999]);
    expect(migrate(db, [...MIGRATIONS, extra])).toEqual([]);
  });

  it('a failing migration leaves no trace', async () => {
    const broken = { version: 998, name: 'broken', sql: 'CREATE TABLE half (x INTEGER); THIS IS NOT SQL;' };
    expect(() => migrate(db, [...MIGRATIONS, broken])).toThrow();
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half'").get()).toBeUndefined();
    expect(db.prepare('SELECT * FROM schema_migrations WHERE version = 998').get()).toBeUndefined();
  });

  it('has UNIQUE(tenant, key) on flags and segments and INDEX(tenant, ts) on audit', async () => {
    const indexes = db.prepare("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'index'").all() as { tbl_name: string; sql: string | null }[];
    expect(indexes.find((i) => i.sql?.includes('audit_tenant_ts'))?.sql).toMatch(/ON audit \(tenant, ts\)/);
    const uniqueOn = (table: string) =>
      (db.prepare(`PRAGMA index_list(${table})`).all() as { name: string; unique: number }[])
        .filter((i) => i.unique === 1)
        .map((i) => (db.prepare(`PRAGMA index_info(${i.name})`).all() as { name: string }[]).map((c) => c.name));
    expect(uniqueOn('flags')).toContainEqual(['tenant', 'key']);
    expect(uniqueOn('segments')).toContainEqual(['tenant', 'key']);
    await replaceTenantState(stores, listener, ctx(), ALPHA, { allowDelete: false });
    expect(() =>
      db
        .prepare("INSERT INTO flags (tenant, key, doc, revision, created_at, created_by, updated_at, updated_by) VALUES ('alpha', 'theme', '{}', 1, 'x', 'x', 'x', 'x')")
        .run(),
    ).toThrow(/UNIQUE/);
  });

  it('replaceTenantState: one revision for the whole change, one audit row per resource, with the commit', async () => {
    const r = await replaceTenantState(stores, listener, ctx(), ALPHA, { allowDelete: false });
    expect(r.revision).toBe(1);
    expect(r.changes).toHaveLength(ALPHA.environments.length + ALPHA.segments.length + ALPHA.flags.length);
    expect(committed).toEqual([{ tenant: 'alpha', revision: 1 }]);
    const audit = await stores.audit.query('alpha', { limit: 100 });
    expect(audit).toHaveLength(r.changes.length);
    expect(audit.every((a) => a.source === 'git' && a.commitSha === 'abc1234def' && a.revision === 1)).toBe(true);
    expect(await stores.audit.query('alpha', { limit: 100, commit: 'abc1234' })).toHaveLength(r.changes.length);
    expect(audit[0]?.commit).toEqual({ sha: 'abc1234def' });
    const revisions = await stores.revisions.since('alpha', 0, 10);
    expect(revisions).toHaveLength(1);
    expect(revisions[0]?.changes.find((c) => c.key === 'new-checkout')?.environments).toEqual(['development', 'production']);
  });

  it('the same state twice changes nothing: no revision, no audit row', async () => {
    const first = await replaceTenantState(stores, listener, ctx(), ALPHA, { allowDelete: false });
    const again = await replaceTenantState(stores, listener, ctx(), structuredClone(ALPHA), { allowDelete: false });
    expect(again.changes).toEqual([]);
    expect(again.revision).toBe(1);
    expect(await stores.audit.query('alpha', { limit: 100 })).toHaveLength(first.changes.length);
    expect(committed).toHaveLength(1);
  });

  it('an edit touches only what changed; deletes need allowDelete', async () => {
    await replaceTenantState(stores, listener, ctx(), ALPHA, { allowDelete: false });
    const edited: TenantState = structuredClone(ALPHA);
    edited.flags = edited.flags.filter((f) => f.key !== 'theme');
    const prod = edited.flags[0]?.environments?.production;
    if (prod) prod.enabled = false;
    await expect(replaceTenantState(stores, listener, ctx(), edited, { allowDelete: false })).rejects.toThrow(/deletes/);
    expect((await stores.tenants.get('alpha'))?.revision).toBe(1);
    const r = await replaceTenantState(stores, listener, ctx(), edited, { allowDelete: true });
    expect(r.changes.map((c) => [c.action, c.key, c.environments])).toEqual([
      ['update', 'new-checkout', ['production']],
      ['delete', 'theme', ['development', 'production']],
    ]);
    expect(await stores.flags.get('alpha', 'theme')).toBeUndefined();
    expect((await readTenantState(stores, 'alpha'))?.revision).toBe(2);
  });

  it('an invalid state, a stale base revision or a throw mid-transaction writes nothing', async () => {
    await replaceTenantState(stores, listener, ctx(), ALPHA, { allowDelete: false });
    const invalid: TenantState = structuredClone(ALPHA);
    invalid.flags.push({ key: 'broken', type: 'boolean', variants: { on: true }, offVariant: 'missing' });
    await expect(replaceTenantState(stores, listener, ctx(), invalid, { allowDelete: false })).rejects.toThrow();
    await expect(replaceTenantState(stores, listener, ctx(), ALPHA, { allowDelete: false, expectedRevision: 0 })).rejects.toThrow(/changed since/);
    const before = db.prepare('SELECT COUNT(*) AS n FROM audit').get();
    let ran = false;
    await expect(
      stores.transaction(async () => {
        await stores.tenants.bumpRevision('alpha', 'now');
        stores.afterCommit(() => {
          ran = true;
        });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(ran).toBe(false);
    expect((await stores.tenants.get('alpha'))?.revision).toBe(1);
    expect(db.prepare('SELECT COUNT(*) AS n FROM audit').get()).toEqual(before);
    expect(committed).toHaveLength(1);
  });

  it('afterCommit callbacks run once the outermost transaction commits', async () => {
    const order: string[] = [];
    await stores.transaction(async () => {
      await stores.transaction(async () => stores.afterCommit(() => void order.push('inner')));
      order.push('body done');
    });
    expect(order).toEqual(['body done', 'inner']);
  });

  it('a dry run validates and reports without writing', async () => {
    const r = await replaceTenantState(stores, listener, ctx(), ALPHA, { allowDelete: false, dryRun: true });
    expect(r.changes.length).toBeGreaterThan(0);
    expect(await stores.tenants.get('alpha')).toBeUndefined();
  });

  it('change marks expose revision and key version per tenant (for the cross-process watcher)', async () => {
    await replaceTenantState(stores, listener, ctx(), ALPHA, { allowDelete: false });
    expect(await stores.tenants.changeMarks()).toEqual([{ tenant: 'alpha', revision: 1, keysVersion: 0 }]);
  });
});
