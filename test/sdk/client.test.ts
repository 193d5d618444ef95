// FfClient against a real server holding the example repository: the first
// configuration, live changes over the stream, resume after a disconnect,
// polling when the stream is refused, STALE while the server is unreachable,
// refusal of an invalid configuration, persistence and bootstraps. The
// network is taken away with a real proxy (helpers/proxy.ts), never mocked.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FfClient, type ClientEvents, type EnvironmentConfigDocument, type FfClientOptions } from '../../sdk/src/index.js';
import { until } from '../live/helpers/poll.js';
import { EXAMPLE_DIR, startExampleServer, type ExampleServer } from './helpers/example-server.js';
import { startProxy, type Proxy } from './helpers/proxy.js';

let ex: ExampleServer;
let proxy: Proxy;
let key: string;
let dir: string;
const clients: FfClient[] = [];

/** Fast reconnects and polls, so the tests wait on events, not on defaults. */
const FAST: Partial<FfClientOptions> = { pollIntervalMs: 100, reconnect: { initialDelayMs: 50, maxDelayMs: 200 }, requestTimeoutMs: 2_000 };

function client(options: FfClientOptions): FfClient {
  const c = new FfClient(options);
  clients.push(c);
  return c;
}

/** Every event of the client, in order. */
function record(c: FfClient) {
  const seen: { type: keyof ClientEvents; event: ClientEvents[keyof ClientEvents] }[] = [];
  for (const type of ['ready', 'change', 'stale', 'error'] as const) c.on(type, (event) => seen.push({ type, event }));
  return seen;
}

const CTX = { targetingKey: 'user-42', email: 'someone@example.com', plan: 'pro' };

async function serverAnswer(flagKey: string, context: object, apiKey = key) {
  const reply = await ex.server.call('POST', '/v1/evaluate', { apiKey, tenant: null, body: { flag_key: flagKey, context } });
  return reply.json;
}

beforeAll(async () => {
  ex = await startExampleServer();
  key = await ex.apiKey('acme', 'production');
  dir = mkdtempSync(path.join(tmpdir(), 'ff-sdk-client-'));
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  if (proxy !== undefined) await proxy.close();
});
afterAll(async () => {
  await ex?.server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('FfClient against a real server', () => {
  it('answers before the first configuration with the caller default and PROVIDER_NOT_READY, without throwing', async () => {
    const c = client({ server: 'http://127.0.0.1:9', apiKey: key, ...FAST });
    const events = record(c);
    expect(c.status).toBe('NOT_READY');
    expect(c.evaluate('new-checkout', CTX)).toMatchObject({ reason: 'ERROR', errorCode: 'PROVIDER_NOT_READY', value: null });
    expect(c.details('new-checkout', true, CTX)).toMatchObject({ value: true, reason: 'ERROR', errorCode: 'PROVIDER_NOT_READY' });
    expect(await c.ready(50)).toBe(false);
    await until('a network error event', () => events.find((e) => e.type === 'error'));
    expect(events.find((e) => e.type === 'error')?.event).toMatchObject({ error: { code: 'NETWORK_ERROR' } });
    expect(c.status).toBe('NOT_READY');
    // ready() without a deadline does not outlive the client.
    const waiting = c.ready();
    await c.close();
    expect(await waiting).toBe(false);
  });

  it('downloads the configuration with an API key and answers exactly as POST /v1/evaluate', async () => {
    const c = client({ server: ex.server.url, apiKey: key, ...FAST });
    const events = record(c);
    expect(await c.ready(10_000)).toBe(true);
    expect(c.status).toBe('READY');
    expect(events[0]).toMatchObject({ type: 'ready', event: { source: 'server' } });
    for (const flag of ['new-checkout', 'disable-paypal', 'free-shipping-threshold']) {
      const wire = await serverAnswer(flag, CTX);
      const local = c.evaluate(flag, CTX);
      expect({ value: local.value, variant: local.variant, reason: local.reason, rule_id: local.ruleId, revision: c.revision }).toEqual({
        value: wire.value,
        variant: wire.variant,
        reason: wire.reason,
        rule_id: wire.rule_id,
        revision: wire.revision,
      });
    }
    expect(c.details('new-checkout', 'not-a-boolean', CTX)).toMatchObject({ value: 'not-a-boolean', reason: 'ERROR', errorCode: 'TYPE_MISMATCH' });
    expect(c.details('no-such-flag', 7, CTX)).toMatchObject({ value: 7, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
    // A context that is not an object is an answer, not an exception.
    expect(c.evaluate('new-checkout', 'junk' as never)).toMatchObject({ reason: 'ERROR', errorCode: 'INVALID_CONTEXT' });
  });

  it('sees a change through the stream as one change event naming the flag, and revalidates with If-None-Match', async () => {
    proxy = await startProxy(ex.server.url);
    const c = client({ server: proxy.url, apiKey: key, ...FAST });
    await c.ready(10_000);
    await until('the stream to be open', () => proxy.requests.find((r) => r.path.startsWith('/v1/stream') && r.status === 200));
    const events = record(c);
    const revision = await ex.editFlag('acme', 'disable-paypal', (f) => (f.environments.production.enabled = !f.environments.production.enabled));
    await until('the change event', () => events.find((e) => e.type === 'change'));
    expect(events.filter((e) => e.type === 'change')).toEqual([
      { type: 'change', event: { revision, previousRevision: revision - 1, changed: ['disable-paypal'], source: 'server' } },
    ]);
    expect(c.revision).toBe(revision);
    expect(c.details('disable-paypal', false, CTX).revision).toBe(revision);
    // Every config request after the first carried the ETag it had.
    const configs = proxy.requests.filter((r) => r.path.startsWith('/v1/config'));
    expect(configs.slice(1).every((r) => typeof r.headers['if-none-match'] === 'string')).toBe(true);
    expect(configs.some((r) => r.status === 304)).toBe(true);
  });

  it('loads a segment change incrementally, names the flags using it, and answers as a full load does', async () => {
    const c = client({ server: ex.server.url, apiKey: key, ...FAST });
    await c.ready(10_000);
    await until('the stream', () => (c.status === 'READY' ? true : undefined));
    const events = record(c);
    const segment = (await ex.server.call('GET', '/v1/segments/internal-employees', { token: ex.token, tenant: 'acme' })).json.data;
    const put = await ex.server.call('PUT', '/v1/segments/internal-employees?force=true', {
      token: ex.token,
      tenant: 'acme',
      body: { ...segment, include: [...(segment.include ?? []), 'user-42'] },
      headers: { 'if-match': '*' },
    });
    expect(put.status).toBe(200);
    const change = (await until('the change event', () => events.find((e) => e.type === 'change'))).event as ClientEvents['change'];
    // The same document loaded from scratch gives every answer the incremental update gives.
    const body = (await ex.server.call('GET', '/v1/config', { apiKey: key, tenant: null })).json as EnvironmentConfigDocument;
    expect(body.revision).toBe(c.revision);
    const using = body.flags.filter((f) => (f.environments?.production?.rules ?? []).some((r) => (r.conditions ?? []).some((cond) => cond.segment === 'internal-employees'))).map((f) => f.key);
    expect(using.length).toBeGreaterThan(0);
    expect(change.changed).toEqual(using.sort());
    const fresh = new FfClient({ bootstrap: { config: body } });
    const contexts = [CTX, { targetingKey: 'user-42' }, { targetingKey: 'x', email: 'a@ACME.com' }, { targetingKey: 'svc-synthetic-monitor' }, {}];
    for (const flag of c.snapshot!.flagKeys()) for (const ctx of contexts) expect(c.evaluate(flag, ctx), flag).toEqual(fresh.evaluate(flag, ctx));
    expect(c.evaluate('new-checkout', { targetingKey: 'user-42' })).toMatchObject({ reason: 'TARGETING_MATCH', ruleId: 'staff' });
  });

  it("names the flags that depend on a changed prerequisite", async () => {
    const globexKey = await ex.apiKey('globex', 'production');
    const c = client({ server: ex.server.url, apiKey: globexKey, ...FAST });
    await c.ready(10_000);
    await until('the stream', () => (c.status === 'READY' ? true : undefined));
    const events = record(c);
    await ex.editFlag('globex', 'mobile-home-layout', (f) => (f.description = `prerequisite ${Date.now()}`));
    const change = (await until('the change event', () => events.find((e) => e.type === 'change'))).event as ClientEvents['change'];
    expect(change.changed).toEqual(['mobile-home-layout', 'mobile-timeline-view']);
  });

  it('goes STALE while the server is unreachable, keeps answering, and resumes the stream with Last-Event-ID', async () => {
    proxy = await startProxy(ex.server.url);
    const c = client({ server: proxy.url, apiKey: key, ...FAST });
    await c.ready(10_000);
    await until('the stream to be open', () => proxy.requests.find((r) => r.path.startsWith('/v1/stream') && r.status === 200));
    const before = c.revision!;
    const answer = c.evaluate('new-checkout', CTX);
    const events = record(c);

    proxy.down = true;
    proxy.cut();
    await until('the stale event', () => events.find((e) => e.type === 'stale'));
    expect(c.status).toBe('STALE');
    expect(c.evaluate('new-checkout', CTX)).toEqual(answer);

    // A change while the client cannot see the server.
    const revision = await ex.editFlag('acme', 'new-checkout', (f) => (f.environments.production.default = { variant: 'on' }));
    // The stream comes back first (config requests still refused), so it is the stream that resumes.
    const seenBefore = proxy.requests.length;
    proxy.blockConfig = true;
    proxy.down = false;
    const resumed = await until('the stream to reconnect', () => proxy.requests.slice(seenBefore).find((r) => r.path.startsWith('/v1/stream') && r.status === 200));
    expect(resumed.headers['last-event-id']).toBe(String(before));
    proxy.blockConfig = false;
    await until('the change event', () => events.find((e) => e.type === 'change'));
    expect(c.status).toBe('READY');
    expect(events.map((e) => e.type)).toContain('ready');
    expect(c.revision).toBe(revision);
    expect(c.evaluate('new-checkout', { targetingKey: 'anyone' }).value).toBe(true);
  });

  it('falls back to polling when the stream is refused', async () => {
    proxy = await startProxy(ex.server.url);
    proxy.blockStream = true;
    const c = client({ server: proxy.url, apiKey: key, ...FAST });
    await c.ready(10_000);
    const events = record(c);
    const revision = await ex.editFlag('acme', 'free-shipping-threshold', (f) => (f.description = `polled ${Date.now()}`));
    await until('the change by polling', () => (c.revision === revision ? true : undefined));
    expect(events.find((e) => e.type === 'change')?.event).toMatchObject({ revision, changed: ['free-shipping-threshold'] });
    expect(proxy.requests.filter((r) => r.path.startsWith('/v1/stream')).every((r) => r.status === 503)).toBe(true);
    expect(c.status).toBe('READY');
  });

  it('refuses an invalid configuration from the server and keeps the last good one', async () => {
    proxy = await startProxy(ex.server.url);
    const c = client({ server: proxy.url, apiKey: key, stream: false, ...FAST });
    await c.ready(10_000);
    const good = c.revision!;
    const answer = c.evaluate('new-checkout', CTX);
    const events = record(c);
    // The next revision arrives broken: a rule serving a variant the flag does not have.
    proxy.rewriteConfig = (doc) => {
      const d = doc as { flags: { key: string; environments: Record<string, { rules?: { serve: unknown }[] }> }[] };
      const flag = d.flags.find((f) => f.key === 'new-checkout')!;
      flag.environments.production!.rules![0]!.serve = { variant: 'no-such-variant' };
      return d;
    };
    await ex.editFlag('acme', 'disable-paypal', (f) => (f.description = `edited ${Date.now()}`));
    const refused = await until('the refusal', () => events.find((e) => e.type === 'error'));
    expect(refused.event).toMatchObject({ error: { code: 'INVALID_CONFIG' } });
    expect((refused.event as ClientEvents['error']).error.message).toMatch(/VARIANT_UNKNOWN/);
    expect(c.revision).toBe(good);
    expect(c.evaluate('new-checkout', CTX)).toEqual(answer);
    expect(events.some((e) => e.type === 'change')).toBe(false);
    expect(c.status).toBe('READY');
  });

  it('persists the last good configuration, and a restart with the server down serves it', async () => {
    const file = path.join(dir, 'persist', 'ff-config.json');
    const first = client({ server: ex.server.url, apiKey: key, persistPath: file, ...FAST });
    await first.ready(10_000);
    const answer = first.evaluate('new-checkout', CTX);
    await first.close();

    const second = client({ server: 'http://127.0.0.1:9', apiKey: key, persistPath: file, ...FAST });
    const events = record(second);
    // Synchronously: the constructor read the file.
    expect(second.status).toBe('READY');
    expect(second.evaluate('new-checkout', CTX)).toEqual(answer);
    await until('the stale event', () => events.find((e) => e.type === 'stale'));
    expect(second.evaluate('new-checkout', CTX)).toEqual(answer);
  });

  it('sends the persisted ETag, so an unchanged configuration is a 304', async () => {
    const file = path.join(dir, 'etag', 'ff-config.json');
    const first = client({ server: ex.server.url, apiKey: key, persistPath: file, stream: false, ...FAST });
    await first.ready(10_000);
    await first.close();
    proxy = await startProxy(ex.server.url);
    const second = client({ server: proxy.url, apiKey: key, persistPath: file, stream: false, ...FAST });
    await until('a config request', () => proxy.requests.find((r) => r.status !== undefined));
    expect(proxy.requests[0]).toMatchObject({ status: 304 });
    expect(proxy.requests[0]!.headers['if-none-match']).toMatch(/^"\d+-production"$/);
    expect(second.status).toBe('READY');
  });
});

describe('FfClient bootstraps', () => {
  it('offline, from the flags repository, answers as the server does (every flag of a tenant the other tests leave alone)', async () => {
    const c = client({ bootstrap: { flagsDir: EXAMPLE_DIR, tenant: 'globex', environment: 'production' } });
    expect(await c.ready(10_000)).toBe(true);
    const globexKey = await ex.apiKey('globex', 'production');
    const bulk = await ex.server.call('POST', '/v1/evaluate/bulk', { apiKey: globexKey, tenant: null, body: { context: CTX } });
    expect(bulk.json.results.length).toBeGreaterThan(3);
    for (const wire of bulk.json.results) {
      const local = c.evaluate(wire.flag_key, CTX);
      expect({ value: local.value, variant: local.variant, reason: local.reason, rule_id: local.ruleId }).toEqual({
        value: wire.value,
        variant: wire.variant,
        reason: wire.reason,
        rule_id: wire.rule_id,
      });
    }
    expect(c.revision).toBe(0);
  });

  it('refuses a flags repository with errors, with the loader’s diagnostics', async () => {
    const broken = path.join(dir, 'broken');
    const tenantDir = path.join(broken, 'acme');
    rmSync(broken, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(tenantDir, { recursive: true }));
    writeFileSync(path.join(tenantDir, 'tenant.yaml'), 'version: 1\ntenant: acme\nenvironments:\n  - key: production\n');
    writeFileSync(path.join(tenantDir, 'flags.yaml'), 'version: 1\nflags:\n  - key: oops\n');
    const c = client({ bootstrap: { flagsDir: broken, tenant: 'acme', environment: 'production' } });
    const events = record(c);
    const refused = await until('the refusal', () => events.find((e) => e.type === 'error'));
    expect((refused.event as ClientEvents['error']).error).toMatchObject({ code: 'INVALID_CONFIG' });
    expect((refused.event as ClientEvents['error']).error.message).toMatch(/flags\.yaml:3:\d+/);
    expect(c.status).toBe('NOT_READY');
    expect(await c.ready()).toBe(false);
  });

  it('from an object: a saved GET /v1/config body answers at once; an invalid one is refused', async () => {
    const body = (await ex.server.call('GET', '/v1/config', { apiKey: key, tenant: null })).json;
    const c = client({ bootstrap: { config: body } });
    expect(c.status).toBe('READY');
    expect(c.revision).toBe(body.revision);
    expect(c.details('new-checkout', false, CTX).revision).toBe(body.revision);

    const bad = new FfClient({ bootstrap: { config: { ...body, flags: [{ key: 'x' }] } } });
    expect(bad.status).toBe('NOT_READY');
    expect(bad.evaluate('x', CTX)).toMatchObject({ errorCode: 'PROVIDER_NOT_READY' });
    expect(() => new FfClient({})).toThrow(/nothing to evaluate/);
  });

  it('follows a progressive rollout on time: at the next schedule step it recompiles, with no request, and says which flag changed', async () => {
    const globex = ex.states.find((t) => t.tenant === 'globex')!;
    const step = Date.parse('2026-12-08T09:00:00Z');
    // A clock 300 ms before the second step of mobile-timeline-view's schedule (5 % → 25 %).
    const offset = step - 300 - Date.now();
    const clock = () => Date.now() + offset;
    const c = client({ bootstrap: { state: globex, environment: 'production' }, clock });
    const events = record(c);
    expect(c.snapshot!.nextChangeAt).toBe(step);
    const contexts = Array.from({ length: 2000 }, (_, i) => ({ targetingKey: `user-${i}`, appVersion: '4.2.0', deviceModel: 'iPhone' }));
    const answers = (x: FfClient) => contexts.map((ctx) => x.evaluate('mobile-timeline-view', ctx));
    // The same configuration compiled at fixed moments either side of the step.
    const before = answers(client({ bootstrap: { state: globex, environment: 'production' }, clock: () => step - 1 }));
    const after = answers(client({ bootstrap: { state: globex, environment: 'production' }, clock: () => step + 1 }));
    expect(answers(c)).toEqual(before);
    const change = (await until('the schedule step', () => events.find((e) => e.type === 'change'), 10_000)).event as ClientEvents['change'];
    expect(change.changed).toEqual(['mobile-timeline-view']);
    expect(change.revision).toBe(change.previousRevision);
    expect(answers(c)).toEqual(after);
    // The step moved some users (5 % → 25 % of those the prerequisite lets through).
    expect(after.filter((r, i) => r.value !== before[i]!.value).length).toBeGreaterThan(0);
    expect(c.snapshot!.nextChangeAt).toBe(Date.parse('2026-12-15T09:00:00Z'));
  });

  it('a corrupt persisted file is an error event, and the bootstrap answers instead', async () => {
    const file = path.join(dir, 'corrupt.json');
    writeFileSync(file, '{"format": "ff-sdk-config/1", "config": ');
    const body = (await ex.server.call('GET', '/v1/config', { apiKey: key, tenant: null })).json;
    const c = client({ persistPath: file, bootstrap: { config: body } });
    const events = record(c);
    expect(c.status).toBe('READY');
    expect(c.revision).toBe(body.revision);
    await Promise.resolve();
    expect(events.filter((e) => e.type === 'error').map((e) => (e.event as ClientEvents['error']).error.code)).toEqual(['FILE_ERROR']);
  });

  it('a listener that throws does not stop the client or the other listeners', async () => {
    const body = (await ex.server.call('GET', '/v1/config', { apiKey: key, tenant: null })).json;
    const c = client({ server: ex.server.url, apiKey: key, bootstrap: { config: body }, ...FAST });
    c.on('change', () => {
      throw new Error('a careless listener');
    });
    const events = record(c);
    const revision = await ex.editFlag('acme', 'disable-paypal', (f) => (f.description = `listener ${Date.now()}`));
    await until('the change event', () => events.find((e) => e.type === 'change' && (e.event as ClientEvents['change']).revision === revision));
    expect(c.status).toBe('READY');
    expect(c.revision).toBe(revision);
  });

  it('from a file, and the server then takes over', async () => {
    const body = (await ex.server.call('GET', '/v1/config', { apiKey: key, tenant: null })).text;
    const file = path.join(dir, 'saved-config.json');
    writeFileSync(file, body);
    const c = client({ server: ex.server.url, apiKey: key, bootstrap: { file }, ...FAST });
    expect(c.status).toBe('READY');
    const events = record(c);
    await ex.editFlag('acme', 'disable-paypal', (f) => (f.description = `file ${Date.now()}`));
    await until('the change event', () => events.find((e) => e.type === 'change'));
    expect(events.find((e) => e.type === 'change')?.event).toMatchObject({ source: 'server', changed: ['disable-paypal'] });
  });
});
