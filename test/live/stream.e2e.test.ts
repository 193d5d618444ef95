// GET /v1/stream against real processes. Events fire from the
// index swap, so a write through process A reaches a subscriber of process B.
// Absence is proven by order, never by waiting: events of one process arrive
// in swap order, so once a later event has arrived an earlier one cannot.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALPHA, BRAVO, CANARY } from '../server/helpers/fixtures.js';
import { until } from './helpers/poll.js';
import { adminToken, applyStates, buildLauncher, call, metric, startServer, type Server } from './helpers/processes.js';
import { openStream, type SseClient, type SseEvent } from './helpers/sse-client.js';
import { createTestDatabase, storeMatrix, type TestDatabase } from '../support/postgres.js';

const data = (e: SseEvent) => JSON.parse(e.data) as { tenant: string; environment: string; revision: number; changed: string[] };

describe.each(storeMatrix())('GET /v1/stream (server-sent events) across processes on the $store store', ({ store }) => {
  let launcher: ReturnType<typeof buildLauncher>;
  let dir: string;
  let a: Server;
  let b: Server;
  let alphaToken: string;
  let bravoToken: string;
  let alphaKey: string;
  let bravoKey: string;
  const open: SseClient[] = [];
  let database: TestDatabase | undefined;

  beforeAll(async () => {
    launcher = buildLauncher();
    dir = mkdtempSync(path.join(tmpdir(), 'ff-live-'));
    database = store === 'postgres' ? await createTestDatabase() : undefined;
    const dbPath = database?.url ?? path.join(dir, 'ff.db');
    await applyStates(dbPath, [ALPHA, BRAVO]);
    const env = { ...(database ? { FF_DATABASE_URL: database.url } : { FF_DB_PATH: dbPath }), FF_SEED_DIR: path.join(dir, 'no-seed'), FF_STREAM_HEARTBEAT_MS: '200' };
    [a, b] = await Promise.all([startServer(launcher.main, 'A', env), startServer(launcher.main, 'B', env)]);
    alphaToken = await adminToken(['alpha']);
    bravoToken = await adminToken(['bravo']);
    alphaKey = (await call(a, 'POST', '/v1/api-keys', { token: alphaToken, tenant: 'alpha', body: { name: 'sse', environment: 'production' } })).json.key;
    bravoKey = (await call(a, 'POST', '/v1/api-keys', { token: bravoToken, tenant: 'bravo', body: { name: 'sse', environment: 'production' } })).json.key;
    // B learns A's keys through the database watch.
    await until('B to accept the keys', async () => ((await call(b, 'GET', '/v1/config', { apiKey: bravoKey })).status === 200 ? true : undefined));
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await Promise.all([a?.stop(), b?.stop()]);
    launcher?.remove();
    rmSync(dir, { recursive: true, force: true });
    await database?.drop();
  });

  const subscribe = async (server: Server, query: string, headers: Record<string, string>) => {
    const client = await openStream(`${server.url}/v1/stream${query}`, headers);
    open.push(client);
    expect(client.status).toBe(200);
    expect(client.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await client.comment(/^connected/);
    return client;
  };
  const editFlag = async (server: Server, token: string, tenant: string, key: string, edit: (doc: any) => void) => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const current = await call(server, 'GET', `/v1/flags/${key}`, { token, tenant });
    const doc = structuredClone(current.json.data);
    edit(doc);
    const put = await call(server, 'PUT', `/v1/flags/${key}`, { token, tenant, body: doc, headers: { 'if-match': '*' } });
    expect(put.status).toBe(200);
    return Number(put.headers.get('etag')?.replaceAll('"', ''));
  };

  it('a write through A is one `revision` event at a subscriber of B, scoped to its tenant and environment', async () => {
    const alphaAtB = await subscribe(b, '', { 'x-api-key': alphaKey });
    const bravoAtB = await subscribe(b, '', { 'x-api-key': bravoKey });
    const devAtB = await subscribe(b, '?environment=development', { authorization: `Bearer ${alphaToken}`, 'x-tenant-id': 'alpha' });

    const revision = await editFlag(a, alphaToken, 'alpha', 'banner-text', (d) => (d.environments.production.default = { variant: 'plain' }));
    const event = await alphaAtB.next((e) => e.event === 'revision');
    expect(event.id).toBe(String(revision));
    expect(data(event)).toEqual({ tenant: 'alpha', environment: 'production', revision, changed: ['banner-text'] });

    // A development change afterwards: the dev subscriber sees it, and (order) did not see the production one.
    const devRevision = await editFlag(a, alphaToken, 'alpha', 'new-checkout', (d) => (d.environments.development.enabled = false));
    const devEvent = await devAtB.next((e) => e.event === 'revision');
    expect(data(devEvent)).toEqual({ tenant: 'alpha', environment: 'development', revision: devRevision, changed: ['new-checkout'] });
    expect(devAtB.events).toHaveLength(1);

    // A bravo change last: the bravo subscriber sees it and nothing of alpha's, ever.
    const bravoRevision = await editFlag(a, bravoToken, 'bravo', CANARY.flag, (d) => (d.description = 'edited'));
    const bravoEvent = await bravoAtB.next((e) => e.event === 'revision');
    expect(data(bravoEvent)).toMatchObject({ tenant: 'bravo', revision: bravoRevision, changed: [CANARY.flag] });
    expect(bravoAtB.events.map((e) => data(e).tenant)).toEqual(['bravo']);
    expect(alphaAtB.events.every((e) => data(e).tenant === 'alpha' && data(e).environment === 'production')).toBe(true);
    for (const text of [...alphaAtB.events, ...devAtB.events].map((e) => e.data)) expect(text).not.toContain(CANARY.value);
  });

  it('a segment edit names the flags that use it; an environment-wide change names them all', async () => {
    const all = await subscribe(a, '', { authorization: `Bearer ${alphaToken}`, 'x-tenant-id': 'alpha' });
    const current = await call(b, 'GET', '/v1/segments/staff', { token: alphaToken, tenant: 'alpha' });
    const put = await call(b, 'PUT', '/v1/segments/staff', {
      token: alphaToken,
      tenant: 'alpha',
      body: { ...current.json.data, description: 'Staff and contractors' },
      headers: { 'if-match': '*' },
    });
    expect(put.status).toBe(200);
    const revision = Number(put.headers.get('etag')?.replaceAll('"', ''));
    const events = await until('one event per environment', () => {
      const mine = all.events.filter((e) => data(e).revision === revision);
      return mine.length === 2 ? mine : undefined;
    });
    // Both environments (a segment belongs to all); only production's rules use `staff`.
    expect(events.map(data)).toEqual([
      { tenant: 'alpha', environment: 'development', revision, changed: [] },
      { tenant: 'alpha', environment: 'production', revision, changed: ['new-checkout'] },
    ]);

    const created = await call(b, 'POST', '/v1/environments', { token: alphaToken, tenant: 'alpha', body: { key: 'staging' } });
    expect(created.status).toBe(201);
    const staging = await all.next((e) => data(e).environment === 'staging');
    expect(data(staging).changed).toEqual(['banner-text', 'max-items', 'new-checkout', 'theme']);
  });

  it('Last-Event-ID replays what a reconnecting client missed; follow=false ends after the replay', async () => {
    const replay = await openStream(`${b.url}/v1/stream?follow=false`, { 'x-api-key': alphaKey, 'last-event-id': '1' });
    open.push(replay);
    await replay.ended;
    const revisions = replay.events.map((e) => data(e).revision);
    expect(revisions.length).toBeGreaterThanOrEqual(2);
    expect(revisions).toEqual([...revisions].sort((x, y) => x - y));
    expect(replay.events.every((e) => data(e).environment === 'production' && data(e).tenant === 'alpha')).toBe(true);
  });

  it('sends heartbeats, forgets clients that leave (no leaked subscriber), and counts open streams', async () => {
    const counts = async (): Promise<[number, number]> => [await metric(b, /^ff_stream_connections /), await metric(b, /^ff_stream_subscribers /)];
    const [connections, subscribers] = await counts();
    expect(subscribers).toBe(connections);
    const clients = await Promise.all([1, 2, 3].map(() => subscribe(b, '', { 'x-api-key': alphaKey })));
    await clients[0]?.comment(/^heartbeat$/);
    expect(await counts()).toEqual([connections + 3, subscribers + 3]);
    for (const c of clients) c.close();
    await until('the connections and subscribers to be released', async () => ((c) => (c[0] === connections && c[1] === subscribers ? true : undefined))(await counts()));
  });

  it('refuses what the credentials do not cover', async () => {
    const otherEnv = await fetch(`${b.url}/v1/stream?environment=development`, { headers: { 'x-api-key': alphaKey } });
    expect(otherEnv.status).toBe(403);
    const otherTenant = await fetch(`${b.url}/v1/stream`, { headers: { 'x-api-key': alphaKey, 'x-tenant-id': 'bravo' } });
    expect(otherTenant.status).toBe(403);
    const noCredentials = await fetch(`${b.url}/v1/stream`);
    expect(noCredentials.status).toBe(401);
    const unknownEnv = await fetch(`${b.url}/v1/stream?environment=nowhere`, { headers: { authorization: `Bearer ${alphaToken}`, 'x-tenant-id': 'alpha' } });
    expect(unknownEnv.status).toBe(404);
  });

  it('the OFREP bulk response advertises the stream, which speaks OFREP refetchEvaluation messages', async () => {
    const bulk = await call(b, 'POST', '/ofrep/v1/evaluate/flags', { apiKey: alphaKey, body: { context: { targetingKey: 'u1' } } });
    expect(bulk.status).toBe(200);
    expect(bulk.json.eventStreams).toEqual([{ type: 'sse', url: `${b.url}/v1/stream?format=ofrep&environment=production`, inactivityDelaySec: 120 }]);
    const ofrep = await openStream(bulk.json.eventStreams[0].url, { 'x-api-key': alphaKey });
    open.push(ofrep);
    await ofrep.comment(/^connected/);
    const revision = await editFlag(a, alphaToken, 'alpha', 'theme', (d) => (d.environments.production.default = { variant: 'light' }));
    const message = await ofrep.next(() => true);
    expect(message.event).toBe('message');
    expect(message.id).toBe(String(revision));
    const body = JSON.parse(message.data) as { type: string; etag: string; lastModified: number };
    expect(body).toMatchObject({ type: 'refetchEvaluation', etag: `"${revision}-production"` });
    expect(Number.isInteger(body.lastModified)).toBe(true);
    // The provider's re-fetch carries the event's metadata as query parameters: accepted, and fresh.
    const refetch = await call(b, 'POST', `/ofrep/v1/evaluate/flags?flagConfigEtag=${encodeURIComponent(body.etag)}&flagConfigLastModified=${body.lastModified}`, {
      apiKey: alphaKey,
      body: { context: { targetingKey: 'u1' } },
    });
    expect(refetch.status).toBe(200);
    expect(refetch.json.metadata.revision).toBe(revision);
  });

  it('shutdown ends open streams and the process exits cleanly', async () => {
    const client = await subscribe(b, '', { 'x-api-key': alphaKey });
    const code = await b.stop();
    await client.ended;
    expect(code).toBe(0);
  });
});
