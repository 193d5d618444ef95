import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALPHA, BRAVO } from './helpers/fixtures.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { storeMatrix } from '../support/postgres.js';

describe.each(storeMatrix())('$store: evaluation over HTTP and OFREP', ({ store }) => {
  let s: TestServer;
  let prodKey: string;
  let devKey: string;

  beforeAll(async () => {
    s = await startTestServer({ tenants: [ALPHA, BRAVO], store });
    const prod = await s.call('POST', '/v1/api-keys', { body: { name: 'web prod', environment: 'production' } });
    const dev = await s.call('POST', '/v1/api-keys', { body: { name: 'web dev', environment: 'development' } });
    prodKey = prod.json.key;
    devKey = dev.json.key;
  });
  afterAll(async () => s.close());

  describe('API keys', () => {
    it('are shown once, listed without secrets, stored only as a verifier', async () => {
      const created = await s.call('POST', '/v1/api-keys', { body: { name: 'once', environment: 'production' } });
      expect(created.status).toBe(201);
      expect(created.json.key).toMatch(/^ffk_[0-9A-Za-z]{12}_[0-9A-Za-z]{40}$/);
      expect(created.json.prefix).toBe(`ffk_${created.json.id}`);
      expect(created.headers.get('location')).toBe(`/v1/api-keys/${created.json.id}`);
      const secret = (created.json.key as string).split('_')[2] as string;
      const got = await s.call('GET', `/v1/api-keys/${created.json.id}`);
      expect(got.json).not.toHaveProperty('key');
      expect(got.text).not.toContain(secret);
      const list = await s.call('GET', '/v1/api-keys');
      expect(list.text).not.toContain(secret);
      // Nothing in the database holds the secret.
      const rows = await s.sql('SELECT * FROM api_keys');
      expect(JSON.stringify(rows)).not.toContain(secret);
      const auditRows = await s.sql('SELECT * FROM audit');
      expect(JSON.stringify(auditRows)).not.toContain(secret);
    });

    it('an idempotent replay of a key creation does not reveal the secret again', async () => {
      const headers = { 'idempotency-key': 'key-create-1' };
      const first = await s.call('POST', '/v1/api-keys', { body: { name: 'idem', environment: 'production' }, headers });
      const replay = await s.call('POST', '/v1/api-keys', { body: { name: 'idem', environment: 'production' }, headers });
      expect(replay.status).toBe(201);
      expect(replay.json.id).toBe(first.json.id);
      expect(replay.json).not.toHaveProperty('key');
      expect(JSON.stringify(await s.sql('SELECT * FROM idempotency_keys'))).not.toContain(first.json.key);
    });

    it('422 for an unknown environment', async () => {
      const r = await s.call('POST', '/v1/api-keys', { body: { name: 'x', environment: 'staging' } });
      expect(r.status).toBe(422);
      expect(r.json.error.details[0].code).toBe('UNKNOWN_ENVIRONMENT');
    });

    it('work as X-API-Key and as Bearer; revoked → 401 at once; never logged', async () => {
      const created = await s.call('POST', '/v1/api-keys', { body: { name: 'rev', environment: 'production' } });
      const key = created.json.key as string;
      const body = { flag_key: 'banner-text', context: { targetingKey: 'u1' } };
      expect((await s.call('POST', '/v1/evaluate', { apiKey: key, tenant: null, body })).status).toBe(200);
      expect((await s.call('POST', '/v1/evaluate', { token: key, tenant: null, body })).status).toBe(200);
      const revoked = await s.call('DELETE', `/v1/api-keys/${created.json.id}`);
      expect(revoked.status).toBe(200);
      expect(revoked.json.revoked_at).not.toBe(null);
      const after = await s.call('POST', '/v1/evaluate', { apiKey: key, tenant: null, body });
      expect(after.status).toBe(401);
      expect(after.headers.get('www-authenticate')).toBe('Bearer');
      const listed = await s.call('GET', '/v1/api-keys?state=revoked');
      expect(listed.json.items.map((k: { id: string }) => k.id)).toContain(created.json.id);
      expect(s.rawLogs()).not.toContain(key.split('_')[2]);
      const audit = await s.call('GET', `/v1/audit?resource=api_key&key=${created.json.id}`);
      expect(audit.json.items.map((i: { action: string }) => i.action)).toEqual(['revoke', 'create']);
    });

    it('a wrong secret for a real public id, or a malformed key, is 401', async () => {
      const id = prodKey.split('_')[1] as string;
      const forged = `ffk_${id}_${'A'.repeat(40)}`;
      const body = { flag_key: 'banner-text' };
      expect((await s.call('POST', '/v1/evaluate', { apiKey: forged, tenant: null, body })).status).toBe(401);
      expect((await s.call('POST', '/v1/evaluate', { apiKey: 'ffk_short', tenant: null, body })).status).toBe(401);
    });

    it('an environment with live keys cannot be archived (409)', async () => {
      const r = await s.call('DELETE', '/v1/environments/development');
      expect([409, 422]).toContain(r.status);
      const created = await s.call('POST', '/v1/environments', { body: { key: 'keyed' } });
      expect(created.status).toBe(201);
      const k = await s.call('POST', '/v1/api-keys', { body: { name: 'k', environment: 'keyed' } });
      const refused = await s.call('DELETE', '/v1/environments/keyed');
      expect(refused.status).toBe(409);
      await s.call('DELETE', `/v1/api-keys/${k.json.id}`);
      expect((await s.call('DELETE', '/v1/environments/keyed')).status).toBe(200);
    });
  });

  describe('/v1/evaluate', () => {
    it('evaluates with the API key’s environment, answering flag_key, value, variant, reason, details and revision', async () => {
      const r = await s.call('POST', '/v1/evaluate', {
        apiKey: prodKey,
        tenant: null,
        body: { flag_key: 'new-checkout', context: { targetingKey: 'vip-1' } },
      });
      expect(r.status).toBe(200);
      expect(r.json).toEqual({
        flag_key: 'new-checkout',
        value: true,
        variant: 'on',
        reason: 'TARGETING_MATCH',
        details: {},
        revision: expect.any(Number),
      });
      const rule = await s.call('POST', '/v1/evaluate', {
        apiKey: prodKey,
        tenant: null,
        body: { flag_key: 'new-checkout', context: { targetingKey: 'u-7', email: 'x@alpha.test' } },
      });
      expect(rule.json).toMatchObject({ reason: 'TARGETING_MATCH', rule_id: 'staff', value: true });
      const split = await s.call('POST', '/v1/evaluate', {
        apiKey: prodKey,
        tenant: null,
        body: { flag_key: 'new-checkout', context: { targetingKey: 'u-7' } },
      });
      expect(split.json.reason).toBe('SPLIT');
      expect(split.json.details.bucket).toBeGreaterThanOrEqual(0);
      expect(split.json.details.bucket).toBeLessThan(1);
      const dev = await s.call('POST', '/v1/evaluate', { apiKey: devKey, tenant: null, body: { flag_key: 'new-checkout', context: {} } });
      expect(dev.json).toMatchObject({ value: true, reason: 'DEFAULT' });
    });

    it('a bad context is an answer, never a 5xx', async () => {
      // null is read as no context at all (the route's `context ?? {}`): TARGETING_KEY_MISSING below.
      for (const context of ['a string', 42, [1, 2]]) {
        const r = await s.call('POST', '/v1/evaluate', { apiKey: prodKey, tenant: null, body: { flag_key: 'new-checkout', context } });
        expect(r.status).toBe(200);
        expect(r.json, JSON.stringify(context)).toMatchObject({ reason: 'ERROR', error_code: 'INVALID_CONTEXT', value: false, variant: 'off' });
      }
      const nested = await s.call('POST', '/v1/evaluate', {
        apiKey: prodKey,
        tenant: null,
        body: { flag_key: 'new-checkout', context: { targetingKey: { nested: true } } },
      });
      expect(nested.status).toBe(200);
      // An object is not a targeting key (docs/evaluation.md: not a string or finite number).
      expect(nested.json).toMatchObject({ reason: 'ERROR', error_code: 'TARGETING_KEY_MISSING', value: false });
      const nullContext = await s.call('POST', '/v1/evaluate', { apiKey: prodKey, tenant: null, body: { flag_key: 'new-checkout', context: null } });
      // An absent context is {}; null is not an object (the schema's description, and what the engine and the SDK answer).
      expect(nullContext.json).toMatchObject({ reason: 'ERROR', error_code: 'INVALID_CONTEXT' });
      const missing = await s.call('POST', '/v1/evaluate', { apiKey: prodKey, tenant: null, body: { flag_key: 'new-checkout', context: {} } });
      expect(missing.json).toMatchObject({ reason: 'ERROR', error_code: 'TARGETING_KEY_MISSING', value: false });
    });

    it('a JWT must name the environment; an API key may not name another one', async () => {
      const noEnv = await s.call('POST', '/v1/evaluate', { body: { flag_key: 'new-checkout' } });
      expect(noEnv.status).toBe(400);
      const withEnv = await s.call('POST', '/v1/evaluate', { body: { flag_key: 'new-checkout', environment: 'development' } });
      expect(withEnv.status).toBe(200);
      const other = await s.call('POST', '/v1/evaluate', {
        apiKey: prodKey,
        tenant: null,
        body: { flag_key: 'new-checkout', environment: 'development' },
      });
      expect(other.status).toBe(403);
      const unknownEnv = await s.call('POST', '/v1/evaluate', { body: { flag_key: 'new-checkout', environment: 'qa' } });
      expect(unknownEnv.status).toBe(404);
    });

    it('unknown flag → 404 FLAG_NOT_FOUND', async () => {
      const r = await s.call('POST', '/v1/evaluate', { apiKey: prodKey, tenant: null, body: { flag_key: 'nope' } });
      expect(r.status).toBe(404);
      expect(r.json.error.code).toBe('FLAG_NOT_FOUND');
    });

    it('sees a committed write at once, with the new revision', async () => {
      const before = await s.call('POST', '/v1/evaluate', { apiKey: prodKey, tenant: null, body: { flag_key: 'max-items', context: {} } });
      expect(before.json).toMatchObject({ value: 10, reason: 'DISABLED' });
      const current = await s.call('GET', '/v1/flags/max-items');
      const doc = { ...current.json.data, environments: { production: { enabled: true, default: { variant: 'large' } } } };
      await s.call('PUT', '/v1/flags/max-items', { body: doc, headers: { 'if-match': current.headers.get('etag') as string } });
      const after = await s.call('POST', '/v1/evaluate', { apiKey: prodKey, tenant: null, body: { flag_key: 'max-items', context: {} } });
      expect(after.json).toMatchObject({ value: 100, reason: 'DEFAULT' });
      expect(after.json.revision).toBeGreaterThan(before.json.revision);
    });
  });

  describe('/v1/evaluate/bulk and /preview', () => {
    it('evaluates every flag, or the listed ones with per-item FLAG_NOT_FOUND', async () => {
      const all = await s.call('POST', '/v1/evaluate/bulk', { apiKey: prodKey, tenant: null, body: { context: { targetingKey: 'vip-1' } } });
      expect(all.status).toBe(200);
      expect(all.json.environment).toBe('production');
      const keys = all.json.results.map((r: { flag_key: string }) => r.flag_key);
      expect(keys).toEqual([...keys].sort());
      expect(keys).toEqual(expect.arrayContaining(['banner-text', 'max-items', 'new-checkout', 'theme']));
      for (const r of all.json.results) expect(r.revision).toBe(all.json.revision);
      const listed = await s.call('POST', '/v1/evaluate/bulk', {
        apiKey: prodKey,
        tenant: null,
        body: { context: { targetingKey: 'u' }, flag_keys: ['theme', 'nope'] },
      });
      expect(listed.json.results).toEqual([
        expect.objectContaining({ flag_key: 'theme', value: { bg: '#000' }, reason: 'DEFAULT' }),
        expect.objectContaining({ flag_key: 'nope', reason: 'ERROR', error_code: 'FLAG_NOT_FOUND', value: null }),
      ]);
    });

    it('preview returns the result and the explain trace', async () => {
      const r = await s.call('POST', '/v1/evaluate/preview', {
        body: { flag_key: 'new-checkout', environment: 'production', context: { targetingKey: 'u-1', email: 'a@alpha.test' } },
      });
      expect(r.status).toBe(200);
      expect(r.json.result).toMatchObject({ flag_key: 'new-checkout', reason: 'TARGETING_MATCH', rule_id: 'staff' });
      expect(r.json.trace.rules[0]).toMatchObject({ ruleId: 'staff', matched: true });
      expect(r.json.trace.rules[0].conditions[0].segment.key).toBe('staff');
      expect((await s.call('POST', '/v1/evaluate/preview', { body: { flag_key: 'zzz', environment: 'production' } })).status).toBe(404);
    });
  });

  describe('/v1/config', () => {
    it('downloads one environment with an ETag and answers 304 to If-None-Match', async () => {
      const r = await s.call('GET', '/v1/config', { apiKey: devKey, tenant: null });
      expect(r.status).toBe(200);
      const etag = r.headers.get('etag') as string;
      expect(etag).toMatch(/^".+"$/);
      expect(r.json).toMatchObject({ tenant: 'alpha', environment: 'development', revision: expect.any(Number) });
      expect(r.json.environments).toEqual([{ key: 'development' }]);
      const checkout = r.json.flags.find((f: { key: string }) => f.key === 'new-checkout');
      expect(Object.keys(checkout.environments)).toEqual(['development']); // production targets stay private
      expect(r.json.segments.map((x: { key: string }) => x.key)).toContain('staff');
      const again = await s.call('GET', '/v1/config', { apiKey: devKey, tenant: null, headers: { 'if-none-match': etag } });
      expect(again.status).toBe(304);
      expect(again.text).toBe('');
      const jwt = await s.call('GET', '/v1/config?environment=development');
      expect(jwt.json.revision).toBe(r.json.revision);
      // A write changes the revision and so the ETag.
      await s.call('POST', '/v1/flags', { body: { key: 'cfg-new', type: 'boolean', variants: { a: true }, offVariant: 'a' } });
      const changed = await s.call('GET', '/v1/config', { apiKey: devKey, tenant: null, headers: { 'if-none-match': etag } });
      expect(changed.status).toBe(200);
      expect(changed.headers.get('etag')).not.toBe(etag);
    });
  });

  describe('OFREP', () => {
    const ofrep = (key: string, body: unknown, apiKey = prodKey, headers: Record<string, string> = {}) =>
      s.call('POST', `/ofrep/v1/evaluate/flags/${key}`, { apiKey, tenant: null, body, headers });

    it('single flag: 200 {key, value, reason, variant, metadata}', async () => {
      const r = await ofrep('banner-text', { context: { targetingKey: 'u1' } });
      expect(r.status).toBe(200);
      expect(r.json).toEqual({
        key: 'banner-text',
        value: 'Sale now on',
        reason: 'DEFAULT',
        variant: 'sale',
        metadata: { revision: expect.any(Number) },
      });
      const split = await ofrep('new-checkout', { context: { targetingKey: 'u-7' } });
      expect(split.json.reason).toBe('SPLIT');
      expect(typeof split.json.metadata.bucket).toBe('number');
    });

    it('single flag errors: 404 FLAG_NOT_FOUND, 400 TARGETING_KEY_MISSING / INVALID_CONTEXT / PARSE_ERROR', async () => {
      const nf = await ofrep('nope', { context: {} });
      expect(nf.status).toBe(404);
      expect(nf.json).toEqual({ key: 'nope', errorCode: 'FLAG_NOT_FOUND', errorDetails: expect.any(String) });
      const tk = await ofrep('new-checkout', { context: {} });
      expect(tk.status).toBe(400);
      expect(tk.json).toMatchObject({ key: 'new-checkout', errorCode: 'TARGETING_KEY_MISSING' });
      const ic = await ofrep('new-checkout', { context: 'nope' });
      expect(ic.status).toBe(400);
      expect(ic.json).toMatchObject({ key: 'new-checkout', errorCode: 'INVALID_CONTEXT' });
      const pe = await s.call('POST', '/ofrep/v1/evaluate/flags/new-checkout', { apiKey: prodKey, tenant: null, raw: '{"context":' });
      expect(pe.status).toBe(400);
      expect(pe.json).toMatchObject({ key: 'new-checkout', errorCode: 'PARSE_ERROR' });
      expect((await ofrep('banner-text', { context: {} }, 'ffk_AAAAAAAAAAAA_' + 'B'.repeat(40))).status).toBe(401);
    });

    it('a JWT names the environment in X-Environment', async () => {
      const r = await s.call('POST', '/ofrep/v1/evaluate/flags/new-checkout', {
        body: { context: {} },
        headers: { 'x-environment': 'development' },
      });
      expect(r.status).toBe(200);
      expect(r.json.value).toBe(true);
    });

    it('bulk: every flag with per-flag errors, ETag, and 304 for the same context and revision', async () => {
      const r = await s.call('POST', '/ofrep/v1/evaluate/flags', { apiKey: prodKey, tenant: null, body: { context: {} } });
      expect(r.status).toBe(200);
      const byKey = Object.fromEntries(r.json.flags.map((f: { key: string }) => [f.key, f]));
      expect(byKey['banner-text']).toMatchObject({ value: 'Sale now on', reason: 'DEFAULT', variant: 'sale' });
      expect(byKey['new-checkout']).toMatchObject({ errorCode: 'TARGETING_KEY_MISSING' });
      expect(byKey['new-checkout']).not.toHaveProperty('value');
      const etag = r.headers.get('etag') as string;
      expect(etag).toMatch(/^"\d[^"]*-production-[^"]+"$/);
      const same = await s.call('POST', '/ofrep/v1/evaluate/flags', {
        apiKey: prodKey,
        tenant: null,
        body: { context: {} },
        headers: { 'if-none-match': etag },
      });
      expect(same.status).toBe(304);
      const otherContext = await s.call('POST', '/ofrep/v1/evaluate/flags', {
        apiKey: prodKey,
        tenant: null,
        body: { context: { targetingKey: 'x' } },
        headers: { 'if-none-match': etag },
      });
      expect(otherContext.status).toBe(200);
      expect(otherContext.headers.get('etag')).not.toBe(etag);
      const bad = await s.call('POST', '/ofrep/v1/evaluate/flags', { apiKey: prodKey, tenant: null, raw: '[' });
      expect(bad.status).toBe(400);
      expect(bad.json).toMatchObject({ errorCode: 'PARSE_ERROR' });
      expect(bad.json).not.toHaveProperty('key');
    });
  });

  it('counts evaluations by tenant and reason', async () => {
    const metrics = await s.call('GET', '/metrics', { token: null, tenant: null });
    expect(metrics.text).toMatch(/ff_evaluations_total\{tenant="alpha",reason="DEFAULT"\} \d+/);
    expect(metrics.text).toMatch(/ff_index_revision\{tenant="alpha"\} \d+/);
  });
});
