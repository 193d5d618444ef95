// PostgreSQL faults, on a real server: the database unreachable at start
// (retried with backoff, readiness 503 meanwhile), lost while running (the
// last loaded index keeps serving and says it is stale, writes are a clean
// 503 with Retry-After, the replica catches up on reconnect), and a
// connection killed in the middle of an apply (nothing partial). The network
// is cut with a TCP relay in front of the database that the test closes.
import net from 'node:net';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../live/helpers/poll.js';
import { createTestDatabase, postgresContext } from '../support/postgres.js';
import { commit, fingerprint, postApply } from './helpers/apply.js';
import { ALPHA } from './helpers/fixtures.js';
import { startTestServer, type TestServer } from './helpers/server.js';

/** A TCP relay to the database that can be cut (every connection dropped, new ones refused) and restored on the same port. */
async function relayTo(url: string) {
  const target = new URL(url);
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = net.createServer((client) => {
        const upstream = net.connect(Number(target.port), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server?.address() as net.AddressInfo).port;
        resolve();
      });
    });
  await listen();
  const via = new URL(url);
  via.hostname = '127.0.0.1';
  via.port = String(port);
  return {
    url: via.toString(),
    cut: async () => {
      await new Promise<void>((resolve) => {
        server?.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
    restore: listen,
  };
}

const evaluate = (s: TestServer) =>
  s.call('POST', '/v1/evaluate', { body: { flag_key: 'banner-text', environment: 'production', context: {} } });
const metricValue = async (s: TestServer, name: string) => {
  const text = (await s.call('GET', '/metrics', { token: null, tenant: null })).text;
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.split(' ')[1]);
};

describe('PostgreSQL faults', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  it('unreachable at start: the server listens, retries with backoff, stays not-ready, and becomes ready once the database answers', async () => {
    const { adminUrl, runId } = postgresContext();
    const name = `ff_t_${runId}_${process.pid}_late_start`;
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const s = await startTestServer({ store: 'postgres', database: { name, url: url.toString(), drop: async () => undefined }, awaitReady: false });
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    cleanup.push(async () => {
      await s.close();
      await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(name)} WITH (FORCE)`);
      await admin.end();
    });
    const retries = () => s.logs.filter((l) => l.message === 'database: not reachable yet; retrying');
    await until('two retries', () => (retries().length >= 2 ? true : undefined));
    expect(retries().map((l) => l.attempt).slice(0, 2)).toEqual([1, 2]);
    expect((retries()[1]?.retry_in_ms as number) > (retries()[0]?.retry_in_ms as number)).toBe(true);
    expect((await s.call('GET', '/healthz', { token: null, tenant: null })).status).toBe(200);
    const notReady = await s.call('GET', '/readyz', { token: null, tenant: null });
    expect(notReady.status).toBe(503);
    // A write meanwhile is a 503 in the one error shape, not a hang or a 500.
    const write = await s.call('POST', '/v1/flags', { body: { key: 'early', type: 'boolean', variants: { on: true, off: false }, offVariant: 'off' } });
    expect(write.status).toBe(503);
    expect(write.json.error.code).toBe('STORAGE_UNAVAILABLE');
    expect(write.headers.get('retry-after')).toMatch(/^\d+$/);

    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
    await s.app.ff.whenReady();
    expect((await s.call('GET', '/readyz', { token: null, tenant: null })).status).toBe(200);
  });

  it('lost while running: evaluation keeps serving the last index (stale: metric and log), writes are 503 with Retry-After, and it catches up on reconnect', async () => {
    const database = await createTestDatabase();
    const relay = await relayTo(database.url);
    // One replica behind the relay (the one that loses the database), one on it directly.
    const cutOff = await startTestServer({ store: 'postgres', database: { ...database, url: relay.url }, tenants: [ALPHA] });
    const other = await startTestServer({ store: 'postgres', database });
    cleanup.push(() => database.drop(), () => relay.cut(), () => other.close(), () => cutOff.close());
    await cutOff.app.watchers.start();
    await other.app.watchers.start();
    expect(await metricValue(cutOff, 'ff_index_stale')).toBe(0);
    const before = await evaluate(cutOff);
    expect(before.json).toMatchObject({ value: 'Sale now on', revision: 1 });

    await relay.cut();
    await until('the stale gauge', async () => ((await metricValue(cutOff, 'ff_index_stale')) === 1 ? true : undefined));
    expect(cutOff.logs.some((l) => l.level === 'warn' && String(l.message).includes('change feed lost'))).toBe(true);
    // Evaluation is served from memory.
    expect((await evaluate(cutOff)).json).toEqual(before.json);
    // Writes fail cleanly and change nothing.
    const current = await other.call('GET', '/v1/flags/banner-text');
    const doc = { ...current.json.data, environments: { production: { enabled: false } } };
    const refused = await cutOff.call('PUT', '/v1/flags/banner-text', { body: doc, headers: { 'if-match': current.headers.get('etag') as string } });
    expect(refused.status).toBe(503);
    expect(refused.json).toEqual({ error: { code: 'STORAGE_UNAVAILABLE', message: expect.any(String), details: [] } });
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);

    // Meanwhile another replica writes; the notification cannot reach the cut-off one.
    const put = await other.call('PUT', '/v1/flags/banner-text', { body: doc, headers: { 'if-match': current.headers.get('etag') as string } });
    expect(put.status).toBe(200);
    expect((await evaluate(cutOff)).json.revision).toBe(1);

    await relay.restore();
    const caught = await until('the catch-up', async () => ((r) => (r.json?.revision === 2 ? r : undefined))(await evaluate(cutOff)), 30_000);
    expect(caught.json).toMatchObject({ value: 'Welcome', reason: 'DISABLED' });
    expect(await metricValue(cutOff, 'ff_index_stale')).toBe(0);
  });

  it('a connection killed in the middle of an apply (pg_terminate_backend) leaves nothing: 503, no row, no revision, no audit', async () => {
    const s = await startTestServer({ store: 'postgres' });
    cleanup.push(() => s.close());
    const admin = new pg.Client({ connectionString: postgresContext().adminUrl });
    await admin.connect();
    cleanup.push(() => admin.end());
    const database = (await s.sql('SELECT current_database() AS name'))[0]?.name as string;
    const state = structuredClone(ALPHA);
    for (let i = 0; i < 3_000; i++) state.flags.push({ key: `bulk-${i}`, type: 'boolean', variants: { on: true, off: false }, offVariant: 'off' });
    const before = await fingerprint(s);

    const applying = postApply(s, state, { base: 0, commit: commit('killed half way') });
    // The apply's transaction holds the write lock while it inserts: terminate that backend.
    const killed = await until(
      'the apply transaction',
      async () => {
        const { rows } = await admin.query<{ n: number }>(
          `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
           WHERE datname = $1 AND application_name = 'ff-server' AND xact_start IS NOT NULL AND query ILIKE 'INSERT INTO%'`,
          [database],
        );
        return (rows[0]?.n ?? 0) > 0 ? true : undefined;
      },
      30_000,
      1,
    );
    expect(killed).toBe(true);
    const r = await applying;
    expect(r.status, JSON.stringify(s.logs.filter((l) => l.level === 'error'))).toBe(503);
    expect(r.json.error.code).toBe('STORAGE_UNAVAILABLE');
    expect(await fingerprint(s)).toEqual(before);
    expect(await s.sql('SELECT count(*)::int AS n FROM flags')).toEqual([{ n: 0 }]);
    // The pool replaced the connection: the same apply goes through.
    const again = await postApply(s, state, { base: 0, commit: commit('again') });
    expect(again.status, again.text).toBe(200);
    expect(again.json).toMatchObject({ applied: true, revision: 1 });
  });
});
