// One contract for both stores: the same calls, the same answers, on a real
// SQLite file and on a real PostgreSQL database (the store matrix). Rows,
// order, search, keyset pages, drift bookkeeping, revisions, audit filters,
// API keys and idempotency records.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Environment, Flag, Segment } from '../../core/model/index.js';
import { openDatabase } from '../../server/db/open.js';
import { PgDatabase } from '../../server/db/postgres/database.js';
import { migratePostgres } from '../../server/db/postgres/migrate.js';
import { openPostgresPool } from '../../server/db/postgres/pool.js';
import { createPgStores, type PgStores } from '../../server/db/postgres/stores.js';
import { createStores } from '../../server/stores.js';
import { createTestDatabase, storeMatrix, type StoreKind } from '../support/postgres.js';

/**
 * The SQLite stores answer synchronously; `await` takes either, so the one
 * contract is written against the asynchronous (PostgreSQL) shape.
 */
type ContractStores = Omit<PgStores, 'transaction' | 'read'>;

interface Opened {
  stores: ContractStores;
  close(): Promise<void>;
}

async function open(store: StoreKind): Promise<Opened> {
  if (store === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'ff-contract-'));
    const db = openDatabase(path.join(dir, 'ff.db'));
    return {
      stores: createStores(db) as unknown as ContractStores,
      close: async () => {
        db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const database = await createTestDatabase();
  const pool = openPostgresPool(database.url, { max: 4 });
  await migratePostgres(pool);
  const pg = new PgDatabase(pool);
  return {
    stores: createPgStores(pg),
    close: async () => {
      await pg.close();
      await database.drop();
    },
  };
}

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-02T00:00:00.000Z';
const T2 = '2026-01-03T00:00:00.000Z';

const flag = (key: string, extra: Partial<Flag> = {}): Flag =>
  ({ key, type: 'boolean', variations: { on: true, off: false }, default: 'off', ...extra }) as unknown as Flag;

describe.each(storeMatrix())('$store store contract', ({ store }) => {
  let s: ContractStores;
  let opened: Opened;

  beforeEach(async () => {
    opened = await open(store);
    s = opened.stores;
    await s.tenants.ensure('alpha', T0, 'Alpha');
    await s.tenants.ensure('beta', T0);
  });
  afterEach(async () => {
    await opened.close();
  });

  it('tenants: ensure is idempotent, revisions and key versions count up, change marks list every tenant', async () => {
    expect(await s.tenants.ensure('alpha', T1, 'Other')).toMatchObject({ key: 'alpha', name: 'Alpha', revision: 0, keysVersion: 0, createdAt: T0 });
    expect(await s.tenants.bumpRevision('alpha', T1)).toBe(1);
    expect(await s.tenants.bumpRevision('alpha', T1)).toBe(2);
    expect(await s.tenants.bumpKeysVersion('beta', T1)).toBe(1);
    await s.tenants.setName('beta', 'Beta', T2);
    expect((await s.tenants.list()).map((t) => [t.key, t.name, t.revision, t.keysVersion, t.updatedAt])).toEqual([
      ['alpha', 'Alpha', 2, 0, T1],
      ['beta', 'Beta', 0, 1, T2],
    ]);
    expect(await s.tenants.get('gamma')).toBeUndefined();
    const marks = await s.tenants.changeMarks();
    expect([...marks].sort((a, b) => a.tenant.localeCompare(b.tenant))).toEqual([
      { tenant: 'alpha', revision: 2, keysVersion: 0 },
      { tenant: 'beta', revision: 0, keysVersion: 1 },
    ]);
    await expect(Promise.resolve().then(() => s.tenants.bumpRevision('gamma', T1))).rejects.toThrow(/missing tenant/);
  });

  it('documents: insert, get, update and archive keep the bookkeeping; keys are unique per tenant', async () => {
    const row = { tenant: 'alpha', key: 'checkout', doc: flag('checkout', { description: 'New checkout' }), revision: 1, managedBy: 'git' as const, gitCommit: 'abc', at: T0, by: 'alice' };
    const inserted = await s.flags.insert(row);
    expect(inserted).toMatchObject({ tenant: 'alpha', key: 'checkout', version: 1, revision: 1, managedBy: 'git', gitCommit: 'abc', drift: null, archivedAt: null, createdAt: T0, createdBy: 'alice', updatedAt: T0, updatedBy: 'alice' });
    expect(inserted.doc).toEqual(row.doc);
    expect(await s.flags.get('alpha', 'checkout')).toEqual(inserted);
    expect(await s.flags.get('beta', 'checkout')).toBeUndefined();
    await s.flags.insert({ ...row, tenant: 'beta' }); // same key, other tenant: fine
    await expect(Promise.resolve().then(() => s.flags.insert(row))).rejects.toThrow();

    const drift = { source: 'api', actor: 'bob', at: T1 };
    const updated = await s.flags.update('alpha', 'checkout', { doc: flag('checkout', { description: 'Changed' }), drift, revision: 2, at: T1, by: 'bob' });
    expect(updated).toMatchObject({ version: 2, revision: 2, updatedAt: T1, updatedBy: 'bob', createdAt: T0, drift, managedBy: 'git' });
    expect((updated.doc as { description?: string }).description).toBe('Changed');
    const archived = await s.flags.update('alpha', 'checkout', { archived: { at: T2, by: 'carol' }, revision: 3, at: T2, by: 'carol' });
    expect(archived).toMatchObject({ version: 3, archivedAt: T2, archivedBy: 'carol', drift });
    const restored = await s.flags.update('alpha', 'checkout', { archived: null, drift: null, managedBy: 'api', gitCommit: null, revision: 4, at: T2, by: 'dave' });
    expect(restored).toMatchObject({ version: 4, archivedAt: null, archivedBy: null, drift: null, managedBy: 'api', gitCommit: null });

    await s.flags.setOwnership('alpha', 'checkout', { managedBy: 'git', gitCommit: 'def', drift });
    expect(await s.flags.get('alpha', 'checkout')).toMatchObject({ version: 4, revision: 4, updatedAt: T2, managedBy: 'git', gitCommit: 'def', drift });
    await s.flags.clearActiveDrift('alpha');
    expect((await s.flags.get('alpha', 'checkout'))?.drift).toBeNull();
    await s.flags.remove('alpha', 'checkout');
    expect(await s.flags.get('alpha', 'checkout')).toBeUndefined();
    expect((await s.flags.get('beta', 'checkout'))?.key).toBe('checkout');
  });

  it('documents: lists search key and description in any case, filter by tag and state, page by key in bytewise order', async () => {
    const docs: [string, Partial<Flag>][] = [
      ['b-flag', { description: 'Shows the NEW banner', tags: ['ui'] }],
      ['B-flag', { tags: ['ui', 'beta'] }],
      ['_internal', { description: '100%_done' }],
      ['a-flag', { tags: ['backend'] }],
      ['new-search', {}],
    ];
    let revision = 0;
    for (const [key, extra] of docs) {
      revision += 1;
      await s.flags.insert({ tenant: 'alpha', key, doc: flag(key, extra), revision, managedBy: 'api', gitCommit: null, at: T0, by: 'a' });
    }
    await s.flags.update('alpha', 'a-flag', { archived: { at: T1, by: 'a' }, revision: 9, at: T1, by: 'a' });
    const keys = async (q: Parameters<ContractStores['flags']['list']>[1]) => (await s.flags.list('alpha', q)).map((d) => d.key);
    expect(await keys({ state: 'all', limit: 10 })).toEqual(['B-flag', '_internal', 'a-flag', 'b-flag', 'new-search']);
    expect(await keys({ state: 'active', limit: 10 })).toEqual(['B-flag', '_internal', 'b-flag', 'new-search']);
    expect(await keys({ state: 'archived', limit: 10 })).toEqual(['a-flag']);
    expect(await keys({ state: 'active', q: 'new', limit: 10 })).toEqual(['b-flag', 'new-search']);
    expect(await keys({ state: 'active', q: 'B-FL', limit: 10 })).toEqual(['B-flag', 'b-flag']);
    expect(await keys({ state: 'active', q: '%_', limit: 10 })).toEqual(['_internal']); // LIKE characters match literally
    expect(await keys({ state: 'all', tag: 'ui', limit: 10 })).toEqual(['B-flag', 'b-flag']);
    expect(await keys({ state: 'all', tag: 'u', limit: 10 })).toEqual([]);
    expect(await keys({ state: 'all', limit: 2 })).toEqual(['B-flag', '_internal']);
    expect(await keys({ state: 'all', afterKey: '_internal', limit: 2 })).toEqual(['a-flag', 'b-flag']);
    const all = await s.flags.all('alpha');
    expect(all.map((d) => d.key)).toEqual(['B-flag', '_internal', 'a-flag', 'b-flag', 'new-search']);
    const hashes = await s.flags.activeHashes('alpha');
    expect(Object.keys(hashes)).toEqual(['B-flag', '_internal', 'b-flag', 'new-search']);
    for (const h of Object.values(hashes)) expect(h).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('environments keep declaration order and search their name; segments are their own table', async () => {
    const env = (key: string, name: string) => ({ key, name }) as unknown as Environment;
    for (const [i, [key, name]] of [['production', 'Production'], ['dev', 'Development'], ['staging', 'Staging']].entries()) {
      await s.environments.insert({ tenant: 'alpha', key: key!, doc: env(key!, name!), revision: i + 1, managedBy: 'git', gitCommit: null, at: T0, by: 'a' });
    }
    expect((await s.environments.all('alpha')).map((e) => e.key)).toEqual(['production', 'dev', 'staging']);
    expect((await s.environments.list('alpha', { state: 'all', limit: 10 })).map((e) => e.key)).toEqual(['dev', 'production', 'staging']);
    expect((await s.environments.list('alpha', { state: 'all', q: 'velop', limit: 10 })).map((e) => e.key)).toEqual(['dev']);
    await s.segments.insert({ tenant: 'alpha', key: 'dev', doc: { key: 'dev', rules: [] } as unknown as Segment, revision: 4, managedBy: 'api', gitCommit: null, at: T0, by: 'a' });
    expect((await s.segments.all('alpha')).map((e) => e.key)).toEqual(['dev']);
    expect((await s.environments.get('alpha', 'dev'))?.doc).toEqual({ key: 'dev', name: 'Development' });
  });

  // One statement may carry at most 65,535 parameters: 6,000 rows of 14 columns would be 84,000 as VALUES lists.
  const BEYOND_PARAMETER_LIMIT = 6_000;

  it('documents in batches: insertMany writes the rows insert writes, in order, past the statement-parameter limit; getMany and removeMany', async () => {
    const keys = Array.from({ length: BEYOND_PARAMETER_LIMIT }, (_, i) => `f${String(i).padStart(5, '0')}`);
    const drift = { source: 'api', actor: 'bob', at: T1 };
    const row = (key: string) => ({ tenant: 'alpha', key, doc: flag(key, { description: `it's "${key}" \\ {x}` }), revision: 7, managedBy: 'git' as const, gitCommit: 'abc', drift, at: T0, by: 'alice' });
    await s.flags.insertMany(keys.map(row));
    await s.flags.insert({ ...row('single'), tenant: 'beta' });
    const single = (await s.flags.get('beta', 'single'))!;
    const all = await s.flags.all('alpha');
    expect(all.map((d) => d.key)).toEqual(keys);
    // The same row insert writes, but for what depends on the key (the document, so its hash).
    const strip = ({ tenant: _t, key: _k, doc: _d, hash: _h, ...rest }: (typeof all)[number]) => rest;
    await s.flags.insert({ ...row(keys[0]!), tenant: 'beta' });
    const twin = (await s.flags.get('beta', keys[0]!))!;
    for (const d of [all[0]!, all[BEYOND_PARAMETER_LIMIT - 1]!]) {
      expect(strip(d)).toEqual(strip(single));
      expect(d.doc).toEqual(row(d.key).doc);
    }
    expect({ ...all[0]!, tenant: 'beta' }).toEqual(twin);
    expect(Object.keys(await s.flags.activeHashes('alpha'))).toHaveLength(BEYOND_PARAMETER_LIMIT);

    const asked = [...keys.slice(0, 3), 'absent', keys[BEYOND_PARAMETER_LIMIT - 1]!];
    expect((await s.flags.getMany('alpha', asked)).map((d) => d.key).sort()).toEqual([...keys.slice(0, 3), keys[BEYOND_PARAMETER_LIMIT - 1]!].sort());
    expect(await s.flags.getMany('beta', keys.slice(1, 3))).toEqual([]);
    expect(await s.flags.getMany('alpha', [])).toEqual([]);
    expect((await s.flags.getMany('alpha', keys)).length).toBe(BEYOND_PARAMETER_LIMIT);

    await s.flags.removeMany('alpha', keys.slice(1));
    expect((await s.flags.all('alpha')).map((d) => d.key)).toEqual([keys[0]]);
    await s.flags.removeMany('alpha', []);
    await s.flags.insertMany([]);
    await expect(Promise.resolve().then(() => s.flags.insertMany([row('x1'), row(keys[0]!)]))).rejects.toThrow();
    expect((await s.flags.all('alpha')).map((d) => d.key)).toEqual([keys[0]]); // the failed batch wrote nothing
  });

  it('environments in batches take the next positions in the order given', async () => {
    const env = (key: string) => ({ key, name: key.toUpperCase() }) as unknown as Environment;
    const row = (key: string) => ({ tenant: 'alpha', key, doc: env(key), revision: 1, managedBy: 'git' as const, gitCommit: null, at: T0, by: 'a' });
    await s.environments.insert(row('production'));
    await s.environments.insertMany(['zeta', 'dev', 'alpha'].map(row));
    await s.environments.insertMany([{ ...row('other'), tenant: 'beta' }]);
    await s.environments.insert(row('staging'));
    expect((await s.environments.all('alpha')).map((e) => e.key)).toEqual(['production', 'zeta', 'dev', 'alpha', 'staging']);
    expect((await s.environments.all('beta')).map((e) => e.key)).toEqual(['other']);
  });

  it('audit in batches: recordMany keeps the order and the fields record writes, past the statement-parameter limit', async () => {
    const base = { tenant: 'alpha', actor: 'alice', source: 'git' as const, environment: null, resource: 'flag' as const, action: 'create' as const, ts: T0, before: null, revision: 3, commitSha: 'abc', requestId: 'r1', reason: null, forced: false };
    const entries = Array.from({ length: BEYOND_PARAMETER_LIMIT }, (_, i) => ({ ...base, key: `k${i}`, after: { i, s: 'quote " and \\ brace {' } }));
    entries[1] = { ...entries[1]!, environment: 'production' as unknown as null, reason: 'why' as unknown as null, forced: true as unknown as false, before: { n: 1 } as unknown as null, revision: null as unknown as number, commitSha: null as unknown as string };
    await s.audit.recordMany(entries);
    await s.audit.recordMany([]);
    await s.audit.record({ ...entries[1]!, tenant: 'beta' });
    const got = await s.audit.query('alpha', { limit: BEYOND_PARAMETER_LIMIT + 10 });
    expect(got.map((a) => a.key)).toEqual(entries.map((e) => e.key).reverse());
    const [single] = await s.audit.query('beta', { limit: 1 });
    const strip = ({ id: _id, tenant: _t, ...rest }: NonNullable<typeof single>) => rest;
    expect(strip(got[BEYOND_PARAMETER_LIMIT - 2]!)).toEqual(strip(single!));
    expect(got[0]).toMatchObject({ key: `k${BEYOND_PARAMETER_LIMIT - 1}`, after: { i: BEYOND_PARAMETER_LIMIT - 1, s: 'quote " and \\ brace {' }, revision: 3, commitSha: 'abc', requestId: 'r1', reason: null, forced: false, environment: null });
    expect(got[BEYOND_PARAMETER_LIMIT - 2]).toMatchObject({ key: 'k1', reason: 'why', forced: true });
  });

  it('revisions: recorded with their commit, read back after a revision in order', async () => {
    const commit = { sha: 'abcdef1234567', author: 'Alice', message: 'ship it', dirty: false };
    const changes = [{ resource: 'flag' as const, key: 'checkout', action: 'create' as const, environments: ['production'] }];
    for (const revision of [1, 2, 3]) {
      await s.revisions.record({ tenant: 'alpha', revision, ts: T0, actor: 'alice', source: revision === 2 ? 'git' : 'api', commit: revision === 2 ? commit : null, changes });
    }
    await s.revisions.record({ tenant: 'beta', revision: 1, ts: T0, actor: 'x', source: 'seed', commit: null, changes: [] });
    const since = await s.revisions.since('alpha', 1, 10);
    expect(since.map((r) => r.revision)).toEqual([2, 3]);
    expect(since[0]).toEqual({ tenant: 'alpha', revision: 2, ts: T0, actor: 'alice', source: 'git', commit, changes });
    expect(since[1]?.commit).toBeNull();
    expect((await s.revisions.since('alpha', 0, 2)).map((r) => r.revision)).toEqual([1, 2]);
    await expect(
      Promise.resolve().then(() => s.revisions.record({ tenant: 'alpha', revision: 2, ts: T0, actor: 'a', source: 'api', commit: null, changes: [] })),
    ).rejects.toThrow();
  });

  it('audit: newest first, every filter, commit by any-case prefix, the revision’s commit joined in', async () => {
    const commit = { sha: 'abcdef1234567890', author: 'Alice' };
    await s.revisions.record({ tenant: 'alpha', revision: 1, ts: T0, actor: 'alice', source: 'git', commit, changes: [] });
    const base = { tenant: 'alpha', actor: 'alice', source: 'api' as const, environment: null, resource: 'flag' as const, action: 'update' as const, revision: null, commitSha: null, requestId: null, reason: null, forced: false };
    await s.audit.record({ ...base, ts: T0, key: 'a', action: 'create', before: null, after: { on: true }, source: 'git', revision: 1, commitSha: commit.sha });
    await s.audit.record({ ...base, ts: T1, key: 'b', before: { n: 1 }, after: { n: 2 }, actor: 'bob', requestId: 'req-1', reason: 'kill switch: checkout errors', forced: true });
    await s.audit.record({ ...base, ts: T2, key: 'k1', resource: 'api_key', action: 'revoke', environment: 'production', before: null, after: null });
    await s.audit.record({ ...base, tenant: 'beta', ts: T2, key: 'z', before: null, after: null });
    const all = await s.audit.query('alpha', { limit: 10 });
    expect(all.map((a) => a.key)).toEqual(['k1', 'b', 'a']);
    expect(all[2]).toMatchObject({ source: 'git', revision: 1, commitSha: commit.sha, commit, before: null, after: { on: true } });
    expect(all[1]).toMatchObject({ actor: 'bob', before: { n: 1 }, after: { n: 2 }, commit: null, requestId: 'req-1', reason: 'kill switch: checkout errors', forced: true });
    expect(all[0]!.reason).toBeNull();
    expect(all[0]!.forced).toBe(false);
    const keys = async (q: Omit<Parameters<ContractStores['audit']['query']>[1], 'limit'>) => (await s.audit.query('alpha', { limit: 10, ...q })).map((a) => a.key);
    expect(await keys({ actor: 'bob' })).toEqual(['b']);
    expect(await keys({ resource: 'api_key', environment: 'production', action: 'revoke' })).toEqual(['k1']);
    expect(await keys({ source: 'git' })).toEqual(['a']);
    expect(await keys({ commit: 'ABCDEF1' })).toEqual(['a']);
    expect(await keys({ commit: 'abcdef2' })).toEqual([]);
    expect(await keys({ from: T1 })).toEqual(['k1', 'b']);
    expect(await keys({ from: T1, to: T2 })).toEqual(['b']);
    expect(await keys({ beforeId: all[0]!.id })).toEqual(['b', 'a']);
    expect((await s.audit.query('alpha', { limit: 1 })).map((a) => a.key)).toEqual(['k1']);
  });

  it('API keys: list by state, environment and search, page by id, count the active, revoke once', async () => {
    for (const [id, environment, name] of [['k2', 'production', 'Web app'], ['k1', 'production', 'Mobile'], ['k3', 'staging', 'web staging']] as const) {
      await s.apiKeys.insert({ id, tenant: 'alpha', environment, name, verifier: `v-${id}`, createdAt: T0, createdBy: 'alice' });
    }
    await s.apiKeys.insert({ id: 'k9', tenant: 'beta', environment: 'production', name: 'Other', verifier: 'v', createdAt: T0, createdBy: 'x' });
    await s.apiKeys.revoke('alpha', 'k1', T1, 'bob');
    await s.apiKeys.revoke('alpha', 'k1', T2, 'carol'); // already revoked: unchanged
    await s.apiKeys.revoke('beta', 'k2', T2, 'carol'); // another tenant's id: no effect
    expect(await s.apiKeys.get('alpha', 'k1')).toEqual({ id: 'k1', tenant: 'alpha', environment: 'production', name: 'Mobile', verifier: 'v-k1', createdAt: T0, createdBy: 'alice', revokedAt: T1, revokedBy: 'bob' });
    expect(await s.apiKeys.get('beta', 'k1')).toBeUndefined();
    const ids = async (q: Omit<Parameters<ContractStores['apiKeys']['list']>[1], 'limit'>, limit = 10) => (await s.apiKeys.list('alpha', { limit, ...q })).map((k) => k.id);
    expect(await ids({ state: 'all' })).toEqual(['k1', 'k2', 'k3']);
    expect(await ids({ state: 'active' })).toEqual(['k2', 'k3']);
    expect(await ids({ state: 'revoked' })).toEqual(['k1']);
    expect(await ids({ state: 'all', environment: 'production' })).toEqual(['k1', 'k2']);
    expect(await ids({ state: 'all', q: 'WEB' })).toEqual(['k2', 'k3']);
    expect(await ids({ state: 'all', afterId: 'k1' }, 1)).toEqual(['k2']);
    expect(await s.apiKeys.countActive('alpha', 'production')).toBe(1);
    expect(await s.apiKeys.countActive('alpha', 'nowhere')).toBe(0);
    expect((await s.apiKeys.all()).length).toBe(4);
    expect((await s.apiKeys.all('alpha')).map((k) => k.id).sort()).toEqual(['k1', 'k2', 'k3']);
  });

  it('idempotency records: found within their time, replaced on save, purged by age', async () => {
    const scope = { tenant: 'alpha', actor: 'alice', route: 'POST /v1/flags', key: 'idem-1' };
    const response = { requestHash: 'h1', status: 201, headers: { location: '/v1/flags/x', etag: '"1"' }, body: { key: 'x' }, createdAt: T1 };
    await s.idempotency.save(scope, response);
    expect(await s.idempotency.find(scope, T0)).toEqual(response);
    expect(await s.idempotency.find(scope, T2)).toBeUndefined(); // expired
    expect(await s.idempotency.find({ ...scope, actor: 'bob' }, T0)).toBeUndefined();
    const replaced = { ...response, requestHash: 'h2', status: 200, createdAt: T2 };
    await s.idempotency.save(scope, replaced);
    expect(await s.idempotency.find(scope, T0)).toEqual(replaced);
    await s.idempotency.save({ ...scope, key: 'idem-old' }, { ...response, createdAt: T0 });
    expect(await s.idempotency.purge(T1)).toBe(1);
    expect(await s.idempotency.find({ ...scope, key: 'idem-old' }, T0)).toBeUndefined();
    expect(await s.idempotency.find(scope, T0)).toEqual(replaced);
  });

  it('afterCommit outside a transaction runs at once', async () => {
    let ran = false;
    s.afterCommit(() => {
      ran = true;
    });
    expect(ran).toBe(true);
  });
});
