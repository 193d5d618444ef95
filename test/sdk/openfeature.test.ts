// The ff provider under the real @openfeature/server-sdk, against a real
// server: typed resolvers, reasons and error codes, flag metadata, and the
// provider events READY, CONFIGURATION_CHANGED (with the changed keys), STALE
// and ERROR. Each test registers its provider under its own domain.
import { OpenFeature, ProviderEvents, type EventDetails } from '@openfeature/server-sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FfProvider } from '../../sdk/src/openfeature.js';
import { until } from '../live/helpers/poll.js';
import { startExampleServer, type ExampleServer } from './helpers/example-server.js';
import { startProxy, type Proxy } from './helpers/proxy.js';

let ex: ExampleServer;
let key: string;
let proxy: Proxy | undefined;
let domain = 0;
const FAST = { pollIntervalMs: 100, reconnect: { initialDelayMs: 50, maxDelayMs: 200 }, requestTimeoutMs: 2_000 };
const CTX = { targetingKey: 'user-42', email: 'someone@example.com', plan: 'pro' };

async function register(provider: FfProvider) {
  const name = `ff-test-${++domain}`;
  await OpenFeature.setProviderAndWait(name, provider).catch(() => undefined);
  return OpenFeature.getClient(name);
}

beforeAll(async () => {
  ex = await startExampleServer();
  key = await ex.apiKey('acme', 'production');
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});
afterAll(async () => {
  await OpenFeature.close();
  await ex?.server.close();
});

describe('FfProvider with @openfeature/server-sdk', () => {
  it('resolves every type with the engine’s reason, variant and metadata (revision, rule id, bucket)', async () => {
    const provider = new FfProvider({ server: ex.server.url, apiKey: key, ...FAST });
    const client = await register(provider);
    expect(client.providerStatus).toBe('READY');

    const wire = (await ex.server.call('POST', '/v1/evaluate', { apiKey: key, tenant: null, body: { flag_key: 'new-checkout', context: CTX } })).json;
    const details = await client.getBooleanDetails('new-checkout', false, CTX);
    expect(details).toMatchObject({ flagKey: 'new-checkout', value: wire.value, variant: wire.variant, reason: wire.reason });
    expect(details.flagMetadata).toEqual({
      revision: wire.revision,
      ...(wire.rule_id === undefined ? {} : { ruleId: wire.rule_id }),
      ...(wire.details.bucket === undefined ? {} : { bucket: wire.details.bucket }),
    });
    expect(details.errorCode).toBeUndefined();

    // A rule match carries its id.
    const staff = await client.getBooleanDetails('new-checkout', false, { targetingKey: 'x', email: 'dev@acme.com' });
    const staffWire = (await ex.server.call('POST', '/v1/evaluate', { apiKey: key, tenant: null, body: { flag_key: 'new-checkout', context: { targetingKey: 'x', email: 'dev@acme.com' } } })).json;
    expect(staff).toMatchObject({ value: staffWire.value, reason: staffWire.reason });
    expect(staff.flagMetadata.ruleId).toBe(staffWire.rule_id);

    const number = await client.getNumberDetails('free-shipping-threshold', -1, CTX);
    expect(typeof number.value).toBe('number');
    expect(number.value).not.toBe(-1);

    const mismatch = await client.getStringDetails('new-checkout', 'fallback', CTX);
    expect(mismatch).toMatchObject({ value: 'fallback', reason: 'ERROR', errorCode: 'TYPE_MISMATCH' });
    const missing = await client.getBooleanDetails('no-such-flag', true, CTX);
    expect(missing).toMatchObject({ value: true, reason: 'ERROR', errorCode: 'FLAG_NOT_FOUND' });
    // A Date in the context becomes the ISO string ff's date operators compare.
    expect((await client.getBooleanDetails('new-checkout', false, { ...CTX, signedUp: new Date(0) })).errorCode).toBeUndefined();
  });

  it('answers PROVIDER_NOT_READY with the default while no configuration exists, and READY when one arrives', async () => {
    proxy = await startProxy(ex.server.url);
    proxy.down = true;
    const provider = new FfProvider({ server: proxy.url, apiKey: key, initTimeoutMs: 100, ...FAST });
    const client = await register(provider);
    expect(client.providerStatus).toBe('ERROR');
    expect(await client.getBooleanDetails('new-checkout', true, CTX)).toMatchObject({ value: true, reason: 'ERROR', errorCode: 'PROVIDER_NOT_READY' });
    const ready: EventDetails[] = [];
    client.addHandler(ProviderEvents.Ready, (e) => ready.push(e!));
    proxy.down = false;
    await until('READY', () => (client.providerStatus === 'READY' ? true : undefined));
    expect((await client.getBooleanDetails('new-checkout', true, CTX)).errorCode).toBeUndefined();
  });

  it('emits CONFIGURATION_CHANGED with the changed flag keys, STALE while the server is unreachable, then READY', async () => {
    proxy = await startProxy(ex.server.url);
    const provider = new FfProvider({ server: proxy.url, apiKey: key, ...FAST });
    const client = await register(provider);
    await until('the stream to be open', () => proxy!.requests.find((r) => r.path.startsWith('/v1/stream') && r.status === 200));
    const seen: { type: string; details: EventDetails }[] = [];
    for (const type of [ProviderEvents.ConfigurationChanged, ProviderEvents.Stale, ProviderEvents.Ready, ProviderEvents.Error]) {
      client.addHandler(type, (details) => seen.push({ type, details: details! }));
    }
    seen.length = 0; // addHandler runs a READY handler at once for a ready provider

    const revision = await ex.editFlag('acme', 'disable-paypal', (f) => (f.description = `changed ${Date.now()}`));
    const changed = await until('CONFIGURATION_CHANGED', () => seen.find((e) => e.type === ProviderEvents.ConfigurationChanged));
    expect(changed.details.flagsChanged).toEqual(['disable-paypal']);
    expect(changed.details.metadata).toEqual({ revision });
    expect((await client.getBooleanDetails('disable-paypal', false, CTX)).flagMetadata.revision).toBe(revision);

    proxy.down = true;
    proxy.cut();
    await until('STALE', () => seen.find((e) => e.type === ProviderEvents.Stale));
    expect(client.providerStatus).toBe('STALE');
    // Polls keep failing; the status stays STALE (an ERROR event would turn it into ERROR).
    const refused = proxy.requests.length;
    await until('two more refused polls', () => (proxy!.requests.length >= refused + 2 ? true : undefined));
    expect(client.providerStatus).toBe('STALE');
    expect(seen.some((e) => e.type === ProviderEvents.Error)).toBe(false);
    // Still answering from the last good configuration.
    expect((await client.getBooleanDetails('disable-paypal', true, CTX)).flagMetadata.revision).toBe(revision);

    proxy.down = false;
    await until('READY again', () => (client.providerStatus === 'READY' ? true : undefined));
    expect(seen.filter((e) => e.type === ProviderEvents.Ready).length).toBeGreaterThanOrEqual(1);
  });

  it('emits ERROR with the cause while it has nothing to serve: a revoked or wrong API key', async () => {
    const provider = new FfProvider({ server: ex.server.url, apiKey: 'ffk_wrong', initTimeoutMs: 100, ...FAST });
    const errors: EventDetails[] = [];
    provider.events.addHandler(ProviderEvents.Error, (e) => errors.push(e!));
    const client = await register(provider);
    expect(client.providerStatus).toBe('ERROR');
    await until('an ERROR event', () => errors[0]);
    expect(errors[0]).toMatchObject({ metadata: { code: 'HTTP_ERROR' } });
    expect(errors[0]!.message).toMatch(/401/);
  });

  it('needs no network when only the context changes', async () => {
    proxy = await startProxy(ex.server.url);
    proxy.blockStream = true;
    const provider = new FfProvider({ server: proxy.url, apiKey: key, stream: false, pollIntervalMs: 60_000 });
    const client = await register(provider);
    const requests = proxy.requests.length;
    for (let i = 0; i < 200; i++) await client.getBooleanDetails('new-checkout', false, { targetingKey: `user-${i}` });
    expect(proxy.requests.length).toBe(requests);
  });
});
