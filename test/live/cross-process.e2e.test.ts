// Several real server processes on ONE database — a SQLite file, or one
// PostgreSQL database — each evaluating from its own in-memory index; a write
// through any of them (or by a process that is not a server at all) is served
// by every one. The safety-net check is pushed out to 10 minutes here, so what
// propagates the change within the test's deadline is the store's change feed:
// the file watch + data_version on SQLite, LISTEN/NOTIFY on PostgreSQL.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportFiles } from '../../cli/actions/export.js';
import { ALPHA } from '../server/helpers/fixtures.js';
import { until } from './helpers/poll.js';
import { adminToken, applyStates, buildLauncher, call, metric, startServer, type Server } from './helpers/processes.js';
import { createTestDatabase, storeMatrix, type TestDatabase } from '../support/postgres.js';

describe.each(storeMatrix())('several server processes sharing one database on the $store store', ({ store }) => {
  let launcher: ReturnType<typeof buildLauncher>;
  let dir: string;
  let dbPath: string;
  let servers: Server[];
  let token: string;
  let database: TestDatabase | undefined;
  /** The reload trigger of this store's change feed (the safety net is `safety_net` on both). */
  const feed = store === 'postgres' ? 'notify' : 'fs_event';

  beforeAll(async () => {
    launcher = buildLauncher();
    dir = mkdtempSync(path.join(tmpdir(), 'ff-live-'));
    database = store === 'postgres' ? await createTestDatabase() : undefined;
    dbPath = database?.url ?? path.join(dir, 'data', 'ff.db');
    await applyStates(dbPath, [ALPHA]);
    const env = { ...(database ? { FF_DATABASE_URL: database.url } : { FF_DB_PATH: dbPath }), FF_SEED_DIR: path.join(dir, 'no-seed'), FF_WATCH_DB_CHECK_MS: '600000' };
    servers = await Promise.all(['A', 'B', 'C'].map((name) => startServer(launcher.main, name, env)));
    token = await adminToken(['alpha']);
  });
  afterAll(async () => {
    const codes = await Promise.all((servers ?? []).map((s) => s.stop()));
    expect(codes).toEqual([0, 0, 0]);
    launcher?.remove();
    rmSync(dir, { recursive: true, force: true });
    await database?.drop();
  });

  const [A, B, C] = [0, 1, 2];
  const server = (i: number) => servers[i] as Server;
  const evaluate = (i: number, flag = 'banner-text', apiKey?: string) =>
    call(server(i), 'POST', '/v1/evaluate', {
      ...(apiKey ? { apiKey } : { token, tenant: 'alpha' }),
      body: { flag_key: flag, context: {}, ...(apiKey ? {} : { environment: 'production' }) },
    });
  const servedEverywhere = (what: string, ok: (reply: Awaited<ReturnType<typeof evaluate>>) => boolean, flag?: string, apiKey?: string) =>
    Promise.all(servers.map((_, i) => until(`${what} at ${server(i).name}`, async () => ((r) => (ok(r) ? r : undefined))(await evaluate(i, flag, apiKey)))));

  it('every process starts from the shared database', async () => {
    for (const i of [A, B, C]) expect((await evaluate(i)).json).toMatchObject({ value: 'Sale now on', revision: 1 });
  });

  it('a REST write through A is served by B and C, noticed by the change feed (not the safety net)', async () => {
    const current = await call(server(A), 'GET', '/v1/flags/banner-text', { token, tenant: 'alpha' });
    const doc = { ...current.json.data, environments: { production: { enabled: false } } };
    const put = await call(server(A), 'PUT', '/v1/flags/banner-text', { token, tenant: 'alpha', body: doc, headers: { 'if-match': current.headers.get('etag') as string } });
    expect(put.status).toBe(200);
    const replies = await servedEverywhere('revision 2', (r) => r.json?.revision === 2);
    for (const r of replies) expect(r.json).toMatchObject({ value: 'Welcome', reason: 'DISABLED', revision: 2 });
    for (const i of [B, C]) {
      expect(await metric(server(i), new RegExp(`^ff_index_db_reloads_total\\{trigger="${feed}"\\}`))).toBeGreaterThanOrEqual(1);
      expect(await metric(server(i), /^ff_index_db_reloads_total\{trigger="safety_net"\}/)).toBe(0);
      expect(await metric(server(i), /^ff_index_revision\{tenant="alpha"\}/)).toBe(2);
    }
    // The writer swapped its own index at commit: it never reloads its own write.
    expect(await metric(server(A), new RegExp(`^ff_index_db_reloads_total\\{trigger="${feed}"\\}`))).toBe(0);
  });

  it('an API key created through B works at A and C; its revocation through C is honoured by all', async () => {
    const created = await call(server(B), 'POST', '/v1/api-keys', { token, tenant: 'alpha', body: { name: 'live', environment: 'production' } });
    expect(created.status).toBe(201);
    await servedEverywhere('the new API key', (r) => r.status === 200, 'banner-text', created.json.key);
    expect((await call(server(C), 'DELETE', `/v1/api-keys/${created.json.id}`, { token, tenant: 'alpha' })).status).toBe(200);
    await servedEverywhere('the revocation', (r) => r.status === 401, 'banner-text', created.json.key);
  });

  it('a commit by a process that is not a server (the apply path, from this test) reaches every server', async () => {
    const next = structuredClone(ALPHA);
    const banner = next.flags.find((f) => f.key === 'banner-text');
    if (banner === undefined) throw new Error('fixture changed');
    banner.variants = { plain: 'Welcome', sale: 'Sale now on', spring: 'Spring sale' };
    banner.environments = { production: { enabled: true, default: { variant: 'spring' } } };
    const [result] = await applyStates(dbPath, [next]);
    const revision = result?.revision as number;
    expect(revision).toBeGreaterThan(2);
    const replies = await servedEverywhere(`revision ${revision}`, (r) => r.json?.revision === revision);
    for (const r of replies) expect(r.json.value).toBe('Spring sale');
  });

  it('`seed` (the launcher\'s command, another process) is served by every running server, without a restart', async () => {
    const next = structuredClone(ALPHA);
    const banner = next.flags.find((f) => f.key === 'banner-text');
    if (banner === undefined) throw new Error('fixture changed');
    banner.variants = { plain: 'Welcome', sale: 'Sale now on', seeded: 'Seeded sale' };
    banner.environments = { production: { enabled: true, default: { variant: 'seeded' } } };
    const folder = path.join(dir, 'seed', 'alpha');
    mkdirSync(folder, { recursive: true });
    for (const f of await exportFiles(next)) writeFileSync(path.join(folder, f.name), f.content);
    const database = store === 'postgres' ? { FF_DATABASE_URL: dbPath } : { FF_DB_PATH: dbPath };
    const seeded = spawnSync(process.execPath, [launcher.main, 'seed', '--dir', path.dirname(folder)], { env: { PATH: process.env.PATH ?? '', ...database }, encoding: 'utf8' });
    expect(seeded.status, seeded.stderr).toBe(0);
    const revision = Number(/^alpha: \d+ change\(s\), revision (\d+)$/m.exec(seeded.stdout)?.[1]);
    expect(revision).toBeGreaterThan(0);
    const replies = await servedEverywhere(`seeded revision ${revision}`, (r) => r.json?.revision === revision);
    for (const r of replies) expect(r.json.value).toBe('Seeded sale');
  });

  it('stays in step through a burst of writes from two processes at once', async () => {
    const flip = async (i: number, n: number) => {
      const current = await call(server(i), 'GET', '/v1/flags/max-items', { token, tenant: 'alpha' });
      const doc = { ...current.json.data, description: `burst ${server(i).name} ${n}` };
      return call(server(i), 'PUT', '/v1/flags/max-items', { token, tenant: 'alpha', body: doc, headers: { 'if-match': '*' } });
    };
    const writes = await Promise.all([0, 1, 2, 3, 4].flatMap((n) => [flip(A, n), flip(B, n)]));
    for (const w of writes) expect(w.status).toBe(200);
    const last = Math.max(...writes.map((w) => Number(w.headers.get('etag')?.replaceAll('"', ''))));
    await servedEverywhere(`revision ${last}`, (r) => r.json?.revision === last, 'max-items');
  });
});
