// CORS on the evaluation routes, from each environment's allowedOrigins: a
// page may read an answer only when the caller's own environment lists its
// origin; preflights are granted to origins some environment lists; the
// management API never sends CORS headers; a malformed origin is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantState } from '../../core/model/index.js';
import { commit, postApply } from './helpers/apply.js';
import { ALPHA } from './helpers/fixtures.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const SHOP = 'https://shop.example';
const ELSEWHERE = 'https://evil.example';
const WITH_ORIGINS: TenantState = {
  ...ALPHA,
  environments: [{ key: 'development' }, { key: 'production', name: 'Production', allowedOrigins: [SHOP, 'http://localhost:5173'] }],
};

let s: TestServer;
let prodKey: string;
let devKey: string;

beforeAll(async () => {
  s = await startTestServer({ tenants: [WITH_ORIGINS] });
  prodKey = (await s.call('POST', '/v1/api-keys', { body: { name: 'web', environment: 'production' } })).json.key;
  devKey = (await s.call('POST', '/v1/api-keys', { body: { name: 'web dev', environment: 'development' } })).json.key;
});
afterAll(() => s?.close());

const preflight = (path: string, origin: string) =>
  fetch(`${s.url}${path}`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-api-key' } });
const evaluate = (origin: string, key: string) =>
  s.call('POST', '/ofrep/v1/evaluate/flags', { apiKey: key, tenant: null, body: { context: { targetingKey: 'u1' } }, headers: { origin } });

describe('CORS on the evaluation routes', () => {
  it('grants a preflight to a listed origin, on every evaluation route', async () => {
    for (const path of ['/v1/evaluate', '/v1/evaluate/bulk', '/v1/config', '/v1/stream', '/ofrep/v1/evaluate/flags', '/ofrep/v1/evaluate/flags/new-checkout']) {
      const res = await preflight(path, SHOP);
      expect(res.status, path).toBe(204);
      expect(res.headers.get('access-control-allow-origin'), path).toBe(SHOP);
      expect(res.headers.get('access-control-allow-headers')).toContain('x-api-key');
      expect(res.headers.get('access-control-allow-methods')).toContain('POST');
      expect(res.headers.get('vary')).toContain('Origin');
    }
  });

  it('refuses a preflight from an unlisted origin, and for the management API', async () => {
    const other = await preflight('/ofrep/v1/evaluate/flags', ELSEWHERE);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const management = await preflight('/v1/flags', SHOP);
    expect(management.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("lets a listed origin read the answer with its environment's key, and exposes the ETag", async () => {
    const res = await evaluate(SHOP, prodKey);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(res.headers.get('access-control-expose-headers')).toBe('etag');
    expect(res.headers.get('etag')).not.toBeNull();
  });

  it("gives no CORS grant for another environment's key, an unlisted origin, a bad key or a management route", async () => {
    expect((await evaluate(SHOP, devKey)).headers.get('access-control-allow-origin')).toBeNull();
    expect((await evaluate(ELSEWHERE, prodKey)).headers.get('access-control-allow-origin')).toBeNull();
    const bad = await evaluate(SHOP, 'ffk_nope');
    expect(bad.status).toBe(401);
    expect(bad.headers.get('access-control-allow-origin')).toBeNull();
    const flags = await s.call('GET', '/v1/flags', { headers: { origin: SHOP } });
    expect(flags.status).toBe(200);
    expect(flags.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('follows the environment: a new allowedOrigins applies on the next request', async () => {
    const current = await s.call('GET', '/v1/environments/production');
    const doc = { ...current.json.data, allowedOrigins: [ELSEWHERE] };
    const put = await s.call('PUT', '/v1/environments/production?force=true', { body: doc, headers: { 'if-match': '*' } });
    expect(put.status).toBe(200);
    expect((await evaluate(ELSEWHERE, prodKey)).headers.get('access-control-allow-origin')).toBe(ELSEWHERE);
    expect((await evaluate(SHOP, prodKey)).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses an origin that is not scheme://host[:port] with a 422, changing nothing', async () => {
    const current = await s.call('GET', '/v1/environments/production');
    for (const origin of ['shop.example', 'https://shop.example/path', '*']) {
      const put = await s.call('PUT', '/v1/environments/production?force=true', { body: { ...current.json.data, allowedOrigins: [origin] }, headers: { 'if-match': '*' } });
      expect(put.status, origin).toBe(422);
    }
    expect((await s.call('GET', '/v1/environments/production')).json.data.allowedOrigins).toEqual(current.json.data.allowedOrigins);
  });

  it('is GitOps like any setting: an apply that changes allowedOrigins is planned as an environment update and takes effect', async () => {
    const state = (await s.call('GET', '/v1/state')).json;
    const desired: TenantState = {
      ...state.state,
      environments: state.state.environments.map((e: { key: string }) => (e.key === 'production' ? { ...e, allowedOrigins: [SHOP, 'https://new.example'] } : e)),
    };
    const plan = await postApply(s, desired, { dryRun: true });
    expect(plan.status).toBe(200);
    expect(JSON.stringify(plan.json.plan)).toContain('allowedOrigins');
    const applied = await postApply(s, desired, { base: state.revision, commit: commit('Let the new storefront call ff') });
    expect(applied.status).toBe(200);
    expect((await evaluate('https://new.example', prodKey)).headers.get('access-control-allow-origin')).toBe('https://new.example');
  });
});
