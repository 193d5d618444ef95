import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALPHA } from './helpers/fixtures.js';
import { startTestServer, type TestServer } from './helpers/server.js';

describe('operations', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ tenants: [ALPHA] });
  });
  afterAll(async () => s.close());

  it('/healthz and /readyz answer plain text', async () => {
    const h = await s.call('GET', '/healthz', { token: null, tenant: null });
    expect(h.status).toBe(200);
    expect(h.text).toBe('ok');
    expect(h.headers.get('content-type')).toMatch(/^text\/plain/);
    const r = await s.call('GET', '/readyz', { token: null, tenant: null });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
  });

  it('/metrics: requests by route template, method, status; latency histogram; index revision', async () => {
    await s.call('GET', '/v1/flags/new-checkout');
    await s.call('GET', '/v1/flags/no-such');
    const m = await s.call('GET', '/metrics', { token: null, tenant: null });
    expect(m.status).toBe(200);
    expect(m.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(m.text).toContain('http_requests_total{route="/v1/flags/:key",method="GET",status="200"} 1');
    expect(m.text).toContain('http_requests_total{route="/v1/flags/:key",method="GET",status="404"} 1');
    expect(m.text).not.toContain('route="/v1/flags/new-checkout"');
    expect(m.text).toMatch(/http_request_duration_seconds_bucket\{le="0.005",route="\/v1\/flags\/:key",method="GET",status="200"\}/);
    expect(m.text).toMatch(/ff_index_revision\{tenant="alpha"\} 1/);
    expect(m.text).toContain('# TYPE ff_index_reload_failures_total counter');
    expect(m.text).toContain('# TYPE ff_evaluations_total counter');
  });

  it('one JSON log line per request with timestamp, level, message, path, method, status, tenant, request_id', async () => {
    const r = await s.call('GET', '/v1/flags?limit=1', { headers: { 'x-request-id': 'trace-42' } });
    expect(r.headers.get('x-request-id')).toBe('trace-42');
    const lines = s.logs.filter((l) => l.request_id === 'trace-42');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      message: 'request completed',
      method: 'GET',
      path: '/v1/flags',
      route: '/v1/flags',
      status: 200,
      tenant: 'alpha',
      request_id: 'trace-42',
    });
    expect(Date.parse(lines[0]?.timestamp as string)).not.toBeNaN();
    expect(lines[0]).not.toHaveProperty('msg');
  });

  it('generates a request id when none (or an unsafe one) is given', async () => {
    const r = await s.call('GET', '/healthz', { token: null, tenant: null, headers: { 'x-request-id': 'bad id with spaces' } });
    expect(r.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('never logs credentials', async () => {
    const key = (await s.call('POST', '/v1/api-keys', { body: { name: 'log', environment: 'production' } })).json.key as string;
    await s.call('POST', '/v1/evaluate', { apiKey: key, tenant: null, body: { flag_key: 'banner-text' } });
    await s.call('POST', '/v1/evaluate', { token: key, tenant: null, body: { flag_key: 'banner-text', context: 7 } });
    await s.call('GET', '/v1/flags', { token: 'not.a.token' });
    const logs = s.rawLogs();
    expect(logs).not.toContain(key);
    expect(logs).not.toContain(key.split('_')[2]);
    expect(logs).not.toContain(s.adminToken);
    expect(logs).not.toContain('not.a.token');
  });

  it('a rejected request still carries its request id, security headers and a log line', async () => {
    const r = await s.call('GET', '/v1/flags', { token: null, headers: { 'x-request-id': 'denied-1' } });
    expect(r.status).toBe(401);
    expect(r.headers.get('x-request-id')).toBe('denied-1');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(s.logs.find((l) => l.request_id === 'denied-1')).toMatchObject({ status: 401, route: '/v1/flags', tenant: 'alpha' });
  });

  it('security headers on API responses', async () => {
    const r = await s.call('GET', '/v1/flags');
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(r.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
  });

  it('/openapi.json is generated from the route schemas; /docs serves Swagger UI', async () => {
    const o = await s.call('GET', '/openapi.json', { token: null, tenant: null });
    expect(o.status).toBe(200);
    const doc = o.json;
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/flags', '/v1/flags/{key}', '/v1/evaluate', '/ofrep/v1/evaluate/flags/{key}', '/v1/audit', '/healthz']),
    );
    expect(doc.paths['/v1/flags'].post.security).toEqual([{ bearerAuth: ['flags:write'] }]);
    expect(doc.paths['/v1/evaluate'].post.security).toEqual([{ apiKeyAuth: [] }, { bearerAuth: ['evaluate'] }]);
    expect(doc.paths['/v1/flags'].post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Flag' });
    expect(doc.components.schemas.Flag.required).toEqual(['key', 'type', 'variants', 'offVariant']);
    // Every reference resolves inside the document.
    for (const [, ref] of o.text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) {
      expect(doc.components.schemas, ref).toHaveProperty([ref as string]);
    }
    const d = await s.call('GET', '/docs', { token: null, tenant: null });
    expect(d.status).toBe(200);
    expect(d.text).toContain('swagger');
    // Swagger UI's own static CSP there, helmet's strict one everywhere else.
    expect(d.headers.get('content-security-policy')).toContain('validator.swagger.io');
    // Swagger UI applies inline styles: allowed for styles, never for scripts.
    const csp = Object.fromEntries(
      (d.headers.get('content-security-policy') ?? '').split(';').map((p) => p.trim().split(/\s+/)).map(([k, ...v]) => [k, v]),
    ) as Record<string, string[]>;
    expect(csp['style-src']).toContain("'unsafe-inline'");
    expect(csp['script-src']).toEqual(["'self'"]);
  });

  it('the error envelope on an unparsable body carries no stack or internals', async () => {
    const r = await s.call('POST', '/v1/flags', { raw: '{{{' });
    expect(r.status).toBe(400);
    expect(Object.keys(r.json)).toEqual(['error']);
    expect(r.text).not.toMatch(/at .*\.js:\d+/);
  });

  it('errors fastify raises before routing (bad URL encoding, over-long path parameter) use the one error shape', async () => {
    for (const urlPath of ['/v1/flags/%E0%A4%A', `/v1/flags/${'k'.repeat(300)}`]) {
      const r = await s.call('GET', urlPath);
      expect(r.status, urlPath).toBeGreaterThanOrEqual(400);
      expect(r.status, urlPath).toBeLessThan(500);
      expect(Object.keys(r.json), urlPath).toEqual(['error']);
      expect(r.json.error, urlPath).toMatchObject({ code: expect.any(String), message: expect.any(String), details: [] });
    }
  });
});

describe('readiness and failures', () => {
  it('/readyz is 503 until the index is loaded', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const s = await startTestServer({ tenants: [ALPHA], awaitReady: false, deps: { beforeIndexLoad: () => gate } });
    try {
      const before = await s.call('GET', '/readyz', { token: null, tenant: null });
      expect(before.status).toBe(503);
      expect(before.text).toBe('loading');
      const evaluation = await s.call('POST', '/v1/evaluate', { body: { flag_key: 'new-checkout', environment: 'production' } });
      expect(evaluation.status).toBe(503);
      expect(evaluation.json.error.code).toBe('SERVICE_UNAVAILABLE');
      // OFREP's own body, saying what to wait for (not "internal error").
      const ofrep = await s.call('POST', '/ofrep/v1/evaluate/flags', { body: { context: {} }, headers: { 'x-environment': 'production' } });
      expect(ofrep.status).toBe(503);
      expect(ofrep.json).toEqual({ errorDetails: 'the evaluation index is still loading' });
      expect((await s.call('GET', '/healthz', { token: null, tenant: null })).status).toBe(200);
      release();
      await s.app.ff.whenReady();
      expect((await s.call('GET', '/readyz', { token: null, tenant: null })).status).toBe(200);
    } finally {
      release();
      await s.close();
    }
  });

  it('a 5xx hides its message from the client and logs the cause with the request id', async () => {
    const s = await startTestServer({ tenants: [ALPHA] });
    try {
      s.app.ff.db.close(); // every store call now throws
      const r = await s.call('GET', '/v1/flags', { headers: { 'x-request-id': 'boom-1' } });
      expect(r.status).toBe(500);
      expect(r.json).toEqual({ error: { code: 'INTERNAL', message: 'internal error', details: [] } });
      const logged = s.logs.find((l) => l.request_id === 'boom-1' && l.message === 'request failed');
      expect(logged).toMatchObject({ err: { message: 'The database connection is not open' } });
      // Evaluation never touches the database, so it keeps working.
      const e = await s.call('POST', '/v1/evaluate', { body: { flag_key: 'banner-text', environment: 'production' } });
      expect(e.status).toBe(200);
    } finally {
      await s.close();
    }
  });
});
