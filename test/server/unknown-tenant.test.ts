// A tenant that has no state on the server: the routes that read or evaluate
// a tenant answer 404 UNKNOWN_TENANT (not an empty list, not "environment not
// found"), every one of them, found by enumerating the routes; the routes that
// create a tenant (GET /v1/state for a first plan, writes) still work; and the
// answer comes only after the credentials proved they cover that tenant.
import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteAuth } from '../../server/auth/route-auth.js';
import { ALPHA } from './helpers/fixtures.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { storeMatrix } from '../support/postgres.js';

describe.each(storeMatrix())('a tenant the $store store does not know', ({ store }) => {
  let s: TestServer;
  let everyTenant: string;
  const routes: RouteOptions[] = [];
  beforeAll(async () => {
    s = await startTestServer({ tenants: [ALPHA], deps: { onRoute: (r) => void routes.push(r) }, store });
    everyTenant = await s.token({ sub: 'ops' });
  });
  afterAll(async () => s.close());

  const authOf = (r: RouteOptions) => (r.config as { auth?: RouteAuth } | undefined)?.auth;
  const existingTenantRoutes = () => routes.filter((r) => authOf(r)?.kind !== 'public' && authOf(r) !== undefined && (authOf(r) as { existingTenant?: true }).existingTenant);
  const methods = (r: RouteOptions) => (Array.isArray(r.method) ? r.method : [r.method]).filter((m) => m !== 'HEAD');
  // The check runs before the body is read: any body will do.
  // The stream answers once and ends (follow=false) instead of staying open.
  const callAs = (method: string, url: string, token: string, tenant = 'nope') =>
    s.call(method, url.replace(/:[a-z_]+/g, 'x') + (url === '/v1/stream' ? '?follow=false' : ''), { token, tenant, ...(method === 'GET' || method === 'DELETE' ? {} : { body: {} }), headers: { 'x-environment': 'production' } });

  it('reads and evaluation answer 404 UNKNOWN_TENANT naming it, on every such route', async () => {
    const checked = existingTenantRoutes();
    // Evaluation, OFREP, the stream and config; flags, segments, environments; audit; API keys.
    expect(checked.map((r) => r.url)).toEqual(
      expect.arrayContaining(['/v1/evaluate', '/v1/evaluate/preview', '/ofrep/v1/evaluate/flags', '/v1/stream', '/v1/config', '/v1/flags', '/v1/segments/:key', '/v1/environments', '/v1/audit', '/v1/api-keys']),
    );
    for (const route of checked) {
      for (const method of methods(route)) {
        const r = await callAs(method, route.url, everyTenant);
        expect(r.status, `${method} ${route.url}`).toBe(404);
        if (route.url.startsWith('/ofrep/')) continue; // OFREP's own error shape
        expect(r.json.error, `${method} ${route.url}`).toEqual({ code: 'UNKNOWN_TENANT', message: 'unknown tenant "nope"', details: [] });
      }
    }
  });

  it('the same routes on a tenant that exists are not refused so', async () => {
    for (const route of existingTenantRoutes()) {
      for (const method of methods(route)) {
        const r = await callAs(method, route.url, everyTenant, 'alpha');
        expect(r.json?.error?.code, `${method} ${route.url}`).not.toBe('UNKNOWN_TENANT');
      }
    }
  });

  it('what creates a tenant still works: the empty state a first plan reads, a first write', async () => {
    const state = await s.call('GET', '/v1/state', { token: everyTenant, tenant: 'newcomer' });
    expect(state.status).toBe(200);
    expect(state.json).toMatchObject({ tenant: 'newcomer', revision: 0 });
    const created = await s.call('POST', '/v1/environments', { token: everyTenant, tenant: 'newcomer', body: { key: 'production' } });
    expect(created.status).toBe(201);
    // From then on it is known.
    expect((await s.call('GET', '/v1/flags', { token: everyTenant, tenant: 'newcomer' })).status).toBe(200);
  });

  it('credentials that do not cover the tenant are refused first: 403, never a hint that it does not exist', async () => {
    const alphaOnly = await s.token({ tenants: ['alpha'], sub: 'alice' });
    const r = await s.call('GET', '/v1/flags', { token: alphaOnly, tenant: 'nope' });
    expect(r.status).toBe(403);
    expect(r.json.error.code).toBe('FORBIDDEN');
    expect((await s.call('GET', '/v1/flags', { token: null, tenant: 'nope' })).status).toBe(401);
  });
});
