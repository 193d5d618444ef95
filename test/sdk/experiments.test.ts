// The SDK's side of experiments against a real server: an evaluation that
// randomizes a unit into a running experiment calls onExposure once per unit
// and uploads the exposure in a batch; track() (and OpenFeature's track()
// through the provider) uploads metric events; the server's results count both.
import { OpenFeature } from '@openfeature/server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantState } from '../../core/model/index.js';
import { FfClient } from '../../sdk/src/client.js';
import { FfProvider } from '../../sdk/src/openfeature.js';
import type { ExposureEvent } from '../../sdk/src/telemetry.js';
import { startTestServer, type TestServer } from '../server/helpers/server.js';

const STATE: TenantState = {
  tenant: 'alpha',
  environments: [{ key: 'production' }],
  segments: [],
  flags: [
    {
      key: 'checkout',
      type: 'string',
      variants: { old: 'v1', new: 'v2' },
      offVariant: 'old',
      environments: { production: { enabled: true, targets: { new: ['vip'] }, default: { rollout: { old: 50, new: 50 }, bucketBy: 'accountId' } } },
    },
  ],
  experiments: [
    {
      key: 'checkout-test',
      flag: 'checkout',
      environment: 'production',
      variants: ['old', 'new'],
      unit: 'accountId',
      start: '2026-01-01',
      metrics: { primary: { event: 'purchase', type: 'conversion' }, guardrails: [{ event: 'revenue', type: 'mean' }] },
    },
  ],
};

let s: TestServer;
let key: string;
beforeAll(async () => {
  s = await startTestServer({ tenants: [STATE], env: { FF_EXPOSURE_FLUSH_MS: '60000' } });
  key = (await s.call('POST', '/v1/api-keys', { body: { name: 'sdk', environment: 'production' } })).json.key;
});
afterAll(async () => {
  await OpenFeature.close();
  await s?.close();
});

describe('exposures and events from the SDK', () => {
  it('calls onExposure once per unit and variant, uploads exposures and tracked events in batches', async () => {
    const seen: ExposureEvent[] = [];
    const client = new FfClient({ server: s.url, apiKey: key, stream: false, onExposure: (e) => seen.push(e), telemetry: { flushIntervalMs: 60_000 } });
    expect(await client.ready(5_000)).toBe(true);
    for (let i = 0; i < 50; i++) {
      client.value('checkout', 'v1', { targetingKey: `user-${i}`, accountId: `acct-${i % 20}` });
      client.evaluate('checkout', { targetingKey: `user-${i}`, accountId: `acct-${i % 20}` });
    }
    // Targets are not randomized; a context without the unit cannot be bucketed.
    client.value('checkout', 'v1', { targetingKey: 'vip', accountId: 'acct-vip' });
    client.value('checkout', 'v1', { targetingKey: 'no-account' });
    expect(seen).toHaveLength(20);
    expect(new Set(seen.map((e) => e.unit)).size).toBe(20);
    expect(seen[0]).toMatchObject({ experiment: 'checkout-test', flag: 'checkout', revision: client.revision });
    for (let i = 0; i < 20; i += 2) client.track('purchase', `acct-${i}`);
    client.track('revenue', 'acct-0', 42.5);
    await client.flush();
    expect(s.app.ff.experiments.recorder.pending).toBe(20);
    const r = await s.call('GET', '/v1/experiments/checkout-test/results');
    expect(r.json.units.exposed).toBe(20);
    expect(r.json.metrics[0].countedEvents).toBe(10);
    expect(r.json.metrics[1].countedEvents).toBe(1);
    await client.close();
  });

  it("OpenFeature track() goes through the provider: the details' unit, else the targeting key", async () => {
    const provider = new FfProvider({ server: s.url, apiKey: key, stream: false, telemetry: { flushIntervalMs: 60_000 } });
    await OpenFeature.setProviderAndWait('experiments', provider);
    const flags = OpenFeature.getClient('experiments');
    expect(await flags.getStringValue('checkout', 'v1', { targetingKey: 'of-user', accountId: 'of-acct' })).toMatch(/^v[12]$/);
    flags.track('purchase', { targetingKey: 'of-user' }, { unit: 'of-acct' });
    flags.track('revenue', { targetingKey: 'of-acct' }, { value: 10 });
    await provider.client.flush();
    const stored = s.app.ff.db.prepare("SELECT event, unit, value FROM metric_events WHERE unit = 'of-acct' ORDER BY event").all();
    expect(stored).toEqual([
      { event: 'purchase', unit: 'of-acct', value: null },
      { event: 'revenue', unit: 'of-acct', value: 10 },
    ]);
  });
});
