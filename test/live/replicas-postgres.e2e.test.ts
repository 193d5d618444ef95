// Three real `ff-server serve` processes on different ports sharing ONE
// PostgreSQL database, each evaluating from its own in-memory index: writes
// through any, reads through all; a replica killed with SIGKILL mid-stream
// (its reader and its SSE subscriber served until then) and restarted catches
// up from the revisions log; answers across replicas, the victim's and the
// restarted one's included, are only ever one apply's whole state (several
// flags changed together, never mixed); drift made through one replica is
// planned through another and cleared by an apply through a third; the
// stale-plan check, If-Match and idempotency keys hold across replicas. The safety-net check is pushed out
// to 10 minutes, so what propagates a change here is LISTEN/NOTIFY.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALPHA } from '../server/helpers/fixtures.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';
import { until } from './helpers/poll.js';
import { openStream } from './helpers/sse-client.js';
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
  /** The flags one apply changes together: every one serves `g<n>` after the apply of generation n. */
  const GENERATION_FLAGS = ['gen-a', 'gen-b', 'gen-c', 'gen-d'];
  /** Which generation each revision written by applyGeneration holds. */
  const generationAt = new Map<number, number>();
  const generation = (n: number) => {
    const { tenant: _tenant, ...state } = structuredClone(ALPHA);
    for (const key of GENERATION_FLAGS) {
      state.flags.push({ key, type: 'string', variants: { now: `g${n}`, off: 'off' }, offVariant: 'off', environments: { production: { enabled: true, default: { variant: 'now' } } } });
    }
    return state;
  };
  /** Applies generation n through `via` (one commit changing every generation flag); records what the new revision holds. */
  const applyGeneration = async (via: Server, n: number) => {
    const head = (await call(via, 'GET', '/v1/state', { token, tenant: 'alpha' })).json.revision as number;
    const sha = n.toString(16).padStart(40, '0');
    const r = await call(via, 'POST', '/v1/apply', { token, tenant: 'alpha', body: { state: generation(n), base_revision: head, commit: { sha } } });
    expect(r.status, r.text).toBe(200);
    expect(r.json.applied).toBe(true);
    generationAt.set(r.json.revision, n);
    enabledAt.set(r.json.revision, true); // ALPHA's banner-text: enabled, serving sale
    return r.json.revision as number;
  };
  const bulk = (s: Server) => call(s, 'POST', '/v1/evaluate/bulk', { token, tenant: 'alpha', body: { context: {}, environment: 'production' } });
  /** One apply's state, whole: every generation flag serves the generation its revision holds, none another's. */
  const whole = (r: Awaited<ReturnType<typeof bulk>>) => {
    const n = generationAt.get(r.json?.revision);
    if (n === undefined) return false;
    const values = GENERATION_FLAGS.map((k) => (r.json.results as { flag_key: string; value: unknown }[]).find((x) => x.flag_key === k)?.value);
    return values.every((v) => v === `g${n}`);
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

  it('a replica killed with SIGKILL mid-stream and restarted catches up; answers everywhere, the victim included, are one whole apply, never mixed', async () => {
    const victim = server(1);
    let revision = await applyGeneration(server(0), 0);
    await atRevisionEverywhere(revision);
    // The victim is a subscriber's replica and a reader's until it dies.
    const stream = await openStream(`${victim.url}/v1/stream?environment=production`, { authorization: `Bearer ${token}`, 'x-tenant-id': 'alpha' });
    expect(stream.status).toBe(200);
    await stream.comment(/^connected/);
    const answers: { at: string; reply: Awaited<ReturnType<typeof bulk>> }[] = [];
    let killed = false;
    let writing = true;
    const read = async (s: Server, alive: () => boolean) => {
      let last = 0;
      while (writing && alive()) {
        let reply: Awaited<ReturnType<typeof bulk>>;
        try {
          reply = await bulk(s);
        } catch (err) {
          if (!alive()) return; // the victim went down mid-request
          throw err;
        }
        if (!alive()) return;
        answers.push({ at: s.name, reply });
        // Each replica moves forward only.
        expect(reply.json.revision).toBeGreaterThanOrEqual(last);
        last = reply.json.revision;
      }
    };
    const readers = [read(server(0), () => true), read(victim, () => !killed), read(server(2), () => true)];
    let beforeKill = 0;
    try {
      for (let n = 1; n <= 12; n++) {
        revision = await applyGeneration(server(n % 2 === 0 ? 0 : 2), n);
        if (n === 5) {
          // The victim served this apply whole, and told its subscriber, before it dies.
          const seen = await until(`${victim.name} at revision ${revision}`, async () => ((x) => (x.json?.revision === revision ? x : undefined))(await bulk(victim)));
          expect(whole(seen)).toBe(true);
          await stream.next((e) => e.event === 'revision' && Number(e.id) === revision);
          beforeKill = revision;
          killed = true;
          victim.child.kill('SIGKILL');
          await victim.exited;
        }
      }
    } finally {
      writing = false;
      await Promise.all(readers);
    }
    // Its stream ends with it (no half-open subscriber), and every event it sent named every flag of its apply.
    await stream.ended;
    const events = stream.events.filter((e) => e.event === 'revision');
    expect(events.map((e) => Number(e.id)).at(-1)).toBe(beforeKill);
    for (const e of events) {
      const { revision: at, changed } = JSON.parse(e.data) as { revision: number; changed: string[] };
      expect(generationAt.has(at), `event at revision ${at}`).toBe(true);
      expect(GENERATION_FLAGS.every((k) => changed.includes(k)), e.data).toBe(true);
    }
    expect(answers.filter((a) => a.at === victim.name).length).toBeGreaterThan(0);
    expect(answers.filter((a) => !whole(a.reply)).map((a) => ({ at: a.at, ...a.reply.json }))).toEqual([]);

    // Restarted: it catches up from the revisions log, then serves further applies whole alongside the others.
    const restarted = await startServer(launcher.main, 'B2', env);
    servers[1] = restarted;
    const caughtUp = await until('B2 at the last revision', async () => ((x) => (x.json?.revision === revision ? x : undefined))(await bulk(restarted)));
    expect(whole(caughtUp)).toBe(true);
    answers.length = 0;
    writing = true;
    const again = servers.map((s) => read(s, () => true));
    try {
      for (let n = 13; n <= 18; n++) revision = await applyGeneration(server(n % 3), n);
    } finally {
      writing = false;
      await Promise.all(again);
    }
    expect(answers.filter((a) => a.at === 'B2').length).toBeGreaterThan(0);
    expect(answers.filter((a) => !whole(a.reply)).map((a) => ({ at: a.at, ...a.reply.json }))).toEqual([]);
    const final = await Promise.all(servers.map((s) => until(`revision ${revision} at ${s.name}`, async () => ((x) => (x.json?.revision === revision ? x : undefined))(await bulk(s)))));
    for (const x of final) expect(whole(x)).toBe(true);
  });

  it('drift through one replica is planned through another, and an apply through a third clears it as on one server', async () => {
    const git = generation(18); // what the last apply above committed
    const plan = (s: Server) => call(s, 'POST', '/v1/plan', { token, tenant: 'alpha', body: { state: git } });
    const clean = await plan(server(2));
    expect(clean.status, clean.text).toBe(200);
    expect(clean.json.plan.changes).toEqual([]);

    // Without ?force a REST write to a Git-managed flag is refused on any replica.
    const current = await call(server(0), 'GET', '/v1/flags/banner-text', { token, tenant: 'alpha' });
    const edited = { ...current.json.data, description: 'edited on A' };
    const refused = await call(server(0), 'PUT', '/v1/flags/banner-text', { token, tenant: 'alpha', body: edited, headers: { 'if-match': current.headers.get('etag') as string } });
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe('MANAGED_BY_GIT');
    const forced = await call(server(0), 'PUT', '/v1/flags/banner-text?force=true', { token, tenant: 'alpha', body: edited, headers: { 'if-match': current.headers.get('etag') as string } });
    expect(forced.status, forced.text).toBe(200);
    enabledAt.set(forced.json.meta.revision, true);
    generationAt.set(forced.json.meta.revision, 18);

    // C plans it: one update, marked as drift made through A's API.
    const drifted = await plan(server(2));
    expect(drifted.json.plan.summary).toEqual({ create: 0, update: 1, delete: 0, drift: 1 });
    expect(drifted.json.plan.changes).toEqual([
      expect.objectContaining({
        action: 'update',
        key: 'banner-text',
        drift: expect.objectContaining({ source: 'api' }),
        fields: [{ path: 'description', op: 'change', before: 'edited on A', after: 'Home page banner' }],
      }),
    ]);
    const stateAtC = await call(server(2), 'GET', '/v1/state', { token, tenant: 'alpha' });
    expect(stateAtC.json.resources['flag:banner-text'].drift).toMatchObject({ source: 'api' });

    // B applies with the plan planned before the drift: stale, nothing written.
    const stale = await call(server(1), 'POST', '/v1/apply', {
      token,
      tenant: 'alpha',
      body: { state: git, base_revision: clean.json.plan.base_revision, commit: { sha: 'e'.repeat(40) } },
    });
    expect(stale.status).toBe(409);
    expect(stale.json.error.code).toBe('STALE_PLAN');

    // B applies C's plan: applied as planned, the drift cleared, managed by the new commit, audited with it.
    const sha = 'f'.repeat(40);
    const applied = await call(server(1), 'POST', '/v1/apply', {
      token,
      tenant: 'alpha',
      body: { state: git, base_revision: drifted.json.plan.base_revision, expected_plan_hash: drifted.json.plan.plan_hash, commit: { sha } },
    });
    expect(applied.status, applied.text).toBe(200);
    expect(applied.json).toMatchObject({ applied: true, revision: drifted.json.plan.base_revision + 1 });
    expect(applied.json.plan.changes).toEqual(drifted.json.plan.changes);
    enabledAt.set(applied.json.revision, true);
    generationAt.set(applied.json.revision, 18);
    await atRevisionEverywhere(applied.json.revision);
    for (const s of servers) {
      const st = await call(s, 'GET', '/v1/state', { token, tenant: 'alpha' });
      expect(st.json.resources['flag:banner-text'], s.name).toEqual({ managed_by: 'git', git_commit: sha });
      expect((await plan(s)).json.plan.changes, s.name).toEqual([]);
    }
    const audit = await call(server(0), 'GET', `/v1/audit?commit=${sha}`, { token, tenant: 'alpha' });
    expect(audit.json.items.map((i: { source: string; action: string; key: string }) => `${i.source} ${i.action} ${i.key}`)).toEqual(['git update banner-text']);
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
