// Three real `ff-server serve` processes on different ports sharing ONE
// PostgreSQL database, each evaluating from its own in-memory index: writes
// through any, reads through all; a replica killed with SIGKILL mid-stream
// and restarted catches up from the revisions log; answers across replicas
// are only ever the old or the new state; the stale-plan check, If-Match and
// idempotency keys hold across replicas. The safety-net check is pushed out
// to 10 minutes, so what propagates a change here is LISTEN/NOTIFY.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALPHA } from '../server/helpers/fixtures.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { until } from './helpers/poll.js';
import { adminToken, buildLauncher, call, metric, startServer, type Server } from './helpers/processes.js';

describe('three server processes sharing one PostgreSQL database', () => {
  let launcher: ReturnType<typeof buildLauncher>;
  let dir: string;
  let database: TestDatabase;
  let env: Record<string, string>;
  let servers: Server[];
  let token: string;
  /** Whether banner-text is enabled in production at each revision written. */
  const enabledAt = new Map<number, boolean>();

  beforeAll(async () => {
    launcher = buildLauncher();
    dir = mkdtempSync(path.join(tmpdir(), 'ff-replicas-'));
    database = await createTestDatabase();
    env = { FF_DATABASE_URL: database.url, FF_SEED_DIR: path.join(dir, 'no-seed'), FF_WATCH_DB_CHECK_MS: '600000' };
    // Started together: the migrations run once, under the advisory lock.
    servers = await Promise.all(['A', 'B', 'C'].map((name) => startServer(launcher.main, name, env)));
    token = await adminToken(['alpha']);
    const { tenant: _tenant, ...state } = structuredClone(ALPHA);
    const applied = await call(servers[1] as Server, 'POST', '/v1/apply', { token, tenant: 'alpha', body: { state, base_revision: 0, commit: { sha: 'a'.repeat(40) } } });
    expect(applied.status, applied.text).toBe(200);
    enabledAt.set(1, true);
  });
  afterAll(async () => {
    await Promise.all((servers ?? []).map((s) => s.stop()));
    launcher?.remove();
    rmSync(dir, { recursive: true, force: true });
    await database?.drop();
  });

  const server = (i: number) => servers[i] as Server;
  const evaluate = (s: Server) =>
    call(s, 'POST', '/v1/evaluate', { token, tenant: 'alpha', body: { flag_key: 'banner-text', context: {}, environment: 'production' } });
  const atRevisionEverywhere = (revision: number) =>
    Promise.all(servers.map((s) => until(`revision ${revision} at ${s.name}`, async () => ((r) => (r.json?.revision >= revision ? r : undefined))(await evaluate(s)))));

  /** PUT banner-text through `via`, toggling production; records what the new revision serves. */
  const toggle = async (via: Server, enabled: boolean) => {
    const current = await call(via, 'GET', '/v1/flags/banner-text', { token, tenant: 'alpha' });
    const doc = { ...current.json.data, environments: { production: { enabled, default: { variant: 'sale' } } } };
    const put = await call(via, 'PUT', '/v1/flags/banner-text?force=true', { token, tenant: 'alpha', body: doc, headers: { 'if-match': current.headers.get('etag') as string } });
    expect(put.status, put.text).toBe(200);
    const revision = put.json.meta.revision as number;
    enabledAt.set(revision, enabled);
    return revision;
  };
  /** Old or new, never anything else: the answer at revision r is what revision r holds. */
  const consistent = (r: Awaited<ReturnType<typeof evaluate>>) => {
    const enabled = enabledAt.get(r.json.revision);
    return enabled !== undefined && r.json.value === (enabled ? 'Sale now on' : 'Welcome');
  };

  it('the first apply through B is served by A and C, through the notification', async () => {
    for (const r of await atRevisionEverywhere(1)) expect(r.json).toMatchObject({ value: 'Sale now on', revision: 1 });
    for (const i of [0, 2]) expect(await metric(server(i), /^ff_index_db_reloads_total\{trigger="notify"\}/)).toBeGreaterThanOrEqual(1);
    for (const s of servers) expect(await metric(s, /^ff_index_stale /)).toBe(0);
  });

  it('writes through each replica are read through all', async () => {
    let revision = 0;
    for (const [i, enabled] of [[0, false], [1, true], [2, false]] as const) revision = await toggle(server(i), enabled);
    for (const r of await atRevisionEverywhere(revision)) expect(r.json).toMatchObject({ value: 'Welcome', reason: 'DISABLED', revision });
  });

  it('a replica killed with SIGKILL mid-stream and restarted catches up; answers everywhere are old or new, never torn', async () => {
    const victim = server(1);
    const answers: Awaited<ReturnType<typeof evaluate>>[] = [];
    let writing = true;
    const readers = [0, 2].map(async (i) => {
      let last = 0;
      while (writing) {
        const r = await evaluate(server(i));
        answers.push(r);
        // Each replica moves forward only.
        expect(r.json.revision).toBeGreaterThanOrEqual(last);
        last = r.json.revision;
      }
    });
    let revision = 0;
    try {
      for (let n = 0; n < 12; n++) {
        revision = await toggle(server(n % 2 === 0 ? 0 : 2), n % 2 === 0);
        if (n === 4) {
          victim.child.kill('SIGKILL');
          await victim.exited;
        }
      }
    } finally {
      writing = false;
      await Promise.all(readers);
    }
    expect(answers.length).toBeGreaterThan(0);
    expect(answers.filter((r) => !consistent(r)).map((r) => r.json)).toEqual([]);

    const restarted = await startServer(launcher.main, 'B2', env);
    servers[1] = restarted;
    const [r] = await Promise.all([until('B2 at the last revision', async () => ((x) => (x.json?.revision === revision ? x : undefined))(await evaluate(restarted)))]);
    expect(consistent(r)).toBe(true);
    // And it follows new writes like the others.
    const next = await toggle(server(0), !enabledAt.get(revision));
    for (const x of await atRevisionEverywhere(next)) expect(consistent(x) && x.json.revision === next).toBe(true);
  });

  it('stale plans, If-Match and idempotency keys hold across replicas', async () => {
    // An apply planned against an older revision, sent to another replica: 409 STALE_PLAN, nothing written.
    const head = (await evaluate(server(0))).json.revision as number;
    const { tenant: _tenant, ...state } = structuredClone(ALPHA);
    const stale = await call(server(2), 'POST', '/v1/apply', { token, tenant: 'alpha', body: { state, base_revision: head - 1, commit: { sha: 'c'.repeat(40) } } });
    expect(stale.status).toBe(409);
    expect(stale.json.error.code).toBe('STALE_PLAN');

    // An ETag read at A, a write through B, then a PUT at C with the old ETag: 412.
    const read = await call(server(0), 'GET', '/v1/flags/banner-text', { token, tenant: 'alpha' });
    await toggle(server(1), !enabledAt.get(head));
    const doc = { ...read.json.data, description: 'lost update' };
    const lost = await call(server(2), 'PUT', '/v1/flags/banner-text?force=true', { token, tenant: 'alpha', body: doc, headers: { 'if-match': read.headers.get('etag') as string } });
    expect(lost.status).toBe(412);

    // The same Idempotency-Key through two replicas: one create, the second a replay.
    const body = { key: 'made-once', type: 'boolean', variants: { on: true, off: false }, offVariant: 'off' };
    const headers = { 'idempotency-key': 'replica-key-1' };
    const first = await call(server(0), 'POST', '/v1/flags', { token, tenant: 'alpha', body, headers });
    const second = await call(server(2), 'POST', '/v1/flags', { token, tenant: 'alpha', body, headers });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.json).toEqual(first.json);
  });
});
