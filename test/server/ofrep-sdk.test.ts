// The stock OpenFeature server SDK with the stock OFREP
// provider (both unmodified dev dependencies) against a running server on a
// real port with a real SQLite file, authenticated with an API key created
// through the REST API. The engine in-process is the oracle for rollouts.
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { ErrorCode, OpenFeature, type Client, type Logger } from '@openfeature/server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSnapshot, evaluate } from '../../core/engine/index.js';
import type { TenantState } from '../../core/model/index.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const STATE: TenantState = {
  tenant: 'sdk',
  name: 'OpenFeature SDK tenant',
  environments: [{ key: 'staging' }, { key: 'production' }],
  segments: [{ key: 'staff', conditions: [{ attribute: 'email', operator: 'ends_with', value: '@sdk.test' }] }],
  flags: [
    {
      key: 'new-checkout',
      type: 'boolean',
      variants: { on: true, off: false },
      offVariant: 'off',
      environments: {
        staging: { enabled: true, default: { variant: 'on' } },
        production: {
          enabled: true,
          rules: [{ id: 'staff', conditions: [{ segment: 'staff' }], serve: { variant: 'on' } }],
          default: { rollout: { on: 50, off: 50 } },
        },
      },
    },
    {
      key: 'banner-text',
      type: 'string',
      variants: { plain: 'Welcome', sale: 'Sale now on' },
      offVariant: 'plain',
      environments: { production: { enabled: true, default: { variant: 'sale' } } },
    },
    {
      key: 'max-items',
      type: 'number',
      variants: { small: 10, large: 100 },
      offVariant: 'small',
      environments: { production: { enabled: false, default: { variant: 'large' } } },
    },
    {
      key: 'theme',
      type: 'object',
      variants: { light: { bg: '#fff', fg: '#111' }, dark: { bg: '#000', fg: '#eee', accent: ['#f0f', '#0ff'] } },
      offVariant: 'light',
      environments: {
        production: {
          enabled: true,
          rules: [{ id: 'night-owls', conditions: [{ attribute: 'prefersDark', operator: 'equals', value: true }], serve: { variant: 'dark' } }],
          default: { variant: 'light' },
        },
      },
    },
  ],
};

/** The SDK logs every failed evaluation; the failures here are deliberate. */
const quiet: Logger = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} };

describe('OpenFeature server SDK + OFREP provider against a running server', () => {
  let s: TestServer;
  let client: Client;
  let serverStopped = false;
  const oracle = buildSnapshot(STATE, 'production', 1);

  beforeAll(async () => {
    s = await startTestServer({ tenants: [STATE] });
    const admin = await s.token({ tenants: ['sdk'], sub: 'sdk-admin' });
    const created = await s.call('POST', '/v1/api-keys', { token: admin, tenant: 'sdk', body: { name: 'node service', environment: 'production' } });
    expect(created.status).toBe(201);
    OpenFeature.setLogger(quiet);
    await OpenFeature.setProviderAndWait(new OFREPProvider({ baseUrl: s.url, headers: { 'X-API-Key': created.json.key as string } }));
    client = OpenFeature.getClient('ofrep-sdk-test');
  });
  afterAll(async () => {
    await OpenFeature.close();
    if (!serverStopped) await s.close();
  });

  it('boolean served by a rule: TARGETING_MATCH with the rule id in the metadata', async () => {
    const d = await client.getBooleanDetails('new-checkout', false, { targetingKey: 'u-1', email: 'ann@sdk.test' });
    expect(d).toMatchObject({ flagKey: 'new-checkout', value: true, variant: 'on', reason: 'TARGETING_MATCH' });
    expect(d.errorCode).toBeUndefined();
    expect(d.flagMetadata).toMatchObject({ ruleId: 'staff', revision: expect.any(Number) });
  });

  it('boolean served by a rollout: SPLIT, the same variant as the engine, both variants seen', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 24; i++) {
      const context = { targetingKey: `user-${i}`, email: `user-${i}@example.com` };
      const expected = evaluate(oracle, 'new-checkout', context);
      const d = await client.getBooleanDetails('new-checkout', !expected.value, context);
      expect(d, context.targetingKey).toMatchObject({ value: expected.value, variant: expected.variant, reason: 'SPLIT' });
      expect(typeof d.flagMetadata.bucket).toBe('number');
      seen.add(d.variant as string);
    }
    expect([...seen].sort()).toEqual(['off', 'on']);
  });

  it('string: DEFAULT with the default variant', async () => {
    const d = await client.getStringDetails('banner-text', 'fallback', { targetingKey: 'u-2' });
    expect(d).toMatchObject({ value: 'Sale now on', variant: 'sale', reason: 'DEFAULT' });
    expect(await client.getStringValue('banner-text', 'fallback', { targetingKey: 'u-2' })).toBe('Sale now on');
  });

  it('number, disabled in the environment: DISABLED with the off variant', async () => {
    const d = await client.getNumberDetails('max-items', -1, { targetingKey: 'u-3' });
    expect(d).toMatchObject({ value: 10, variant: 'small', reason: 'DISABLED' });
    expect(d.errorCode).toBeUndefined();
  });

  it('object: TARGETING_MATCH by a rule, DEFAULT otherwise, values intact', async () => {
    const dark = await client.getObjectDetails('theme', {}, { targetingKey: 'u-4', prefersDark: true });
    expect(dark).toMatchObject({ value: { bg: '#000', fg: '#eee', accent: ['#f0f', '#0ff'] }, variant: 'dark', reason: 'TARGETING_MATCH' });
    expect(dark.flagMetadata).toMatchObject({ ruleId: 'night-owls' });
    const light = await client.getObjectDetails('theme', {}, { targetingKey: 'u-4' });
    expect(light).toMatchObject({ value: { bg: '#fff', fg: '#111' }, variant: 'light', reason: 'DEFAULT' });
  });

  it('an unknown flag: FLAG_NOT_FOUND and the caller’s default', async () => {
    const d = await client.getStringDetails('no-such-flag', 'my default', { targetingKey: 'u-5' });
    expect(d).toMatchObject({ value: 'my default', reason: 'ERROR', errorCode: ErrorCode.FLAG_NOT_FOUND });
  });

  it('a rollout without a targeting key: TARGETING_KEY_MISSING and the caller’s default', async () => {
    const d = await client.getBooleanDetails('new-checkout', true, { email: 'someone@example.com' });
    expect(d).toMatchObject({ value: true, reason: 'ERROR', errorCode: ErrorCode.TARGETING_KEY_MISSING });
    // A rule decides before the rollout needs the key: no error then.
    const staff = await client.getBooleanDetails('new-checkout', false, { email: 'ann@sdk.test' });
    expect(staff).toMatchObject({ value: true, reason: 'TARGETING_MATCH' });
  });

  it('asking for the wrong type: TYPE_MISMATCH and the caller’s default', async () => {
    const d = await client.getNumberDetails('banner-text', 7, { targetingKey: 'u-6' });
    expect(d).toMatchObject({ value: 7, reason: 'ERROR', errorCode: ErrorCode.TYPE_MISMATCH });
  });

  it('a revoked API key: the caller’s default with an error, no throw', async () => {
    const admin = await s.token({ tenants: ['sdk'] });
    const created = await s.call('POST', '/v1/api-keys', { token: admin, tenant: 'sdk', body: { name: 'short-lived', environment: 'production' } });
    await OpenFeature.setProviderAndWait('revoked', new OFREPProvider({ baseUrl: s.url, headers: [['Authorization', `Bearer ${created.json.key as string}`]] }));
    const revokedClient = OpenFeature.getClient('revoked');
    expect(await revokedClient.getStringValue('banner-text', 'x', { targetingKey: 'u' })).toBe('Sale now on');
    expect((await s.call('DELETE', `/v1/api-keys/${created.json.id as string}`, { token: admin, tenant: 'sdk' })).status).toBeLessThan(300);
    const d = await revokedClient.getStringDetails('banner-text', 'fallback', { targetingKey: 'u' });
    expect(d).toMatchObject({ value: 'fallback', reason: 'ERROR', errorCode: ErrorCode.GENERAL });
  });

  it('with the server stopped: the caller’s default and an error code, never a throw', async () => {
    const before = await client.getBooleanDetails('new-checkout', false, { targetingKey: 'u-1', email: 'ann@sdk.test' });
    expect(before.value).toBe(true);
    await s.close();
    serverStopped = true;
    const d = await client.getBooleanDetails('new-checkout', false, { targetingKey: 'u-1', email: 'ann@sdk.test' });
    expect(d).toMatchObject({ value: false, reason: 'ERROR', errorCode: ErrorCode.GENERAL });
    expect(d.errorMessage).toBeTruthy();
    await expect(client.getObjectValue('theme', { bg: 'default' }, { targetingKey: 'u-4' })).resolves.toEqual({ bg: 'default' });
  });
});
