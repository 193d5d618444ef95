// The console as the server serves it: caching (ETag, 304, HEAD), the
// Content-Security-Policy, sign-in settings; and what its break-glass relies
// on: a reason and the forced mark recorded on the audit row, drift in each
// document's meta — on both stores.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';
import { consoleCsp } from '../../server/features/console/routes.js';
import { builtConsole } from './helpers/console.js';
import { ALPHA } from './helpers/fixtures.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { storeMatrix } from '../support/postgres.js';

const SECRET = 'x'.repeat(32);
describe.each(storeMatrix())('$store store', ({ store }) => {
  let s: TestServer;
  let built: ReturnType<typeof builtConsole>;

  beforeAll(async () => {
    built = builtConsole();
    s = await startTestServer({ store, tenants: [ALPHA] });
  });
  afterAll(async () => s?.close());

  describe('GET /ui', () => {
    it('serves the page uncached under a strict CSP, and its hashed assets immutable', async () => {
      const redirect = await fetch(`${s.url}/ui`, { redirect: 'manual' });
      expect(redirect.status).toBe(302);
      expect(redirect.headers.get('location')).toBe('/ui/');

      const page = await fetch(`${s.url}/ui/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.headers.get('cache-control')).toBe('no-cache');
      const csp = page.headers.get('content-security-policy')!;
      expect(csp).toBe("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe');
      const html = await page.text();
      // Nothing inline: every script and style is a file the CSP's 'self' covers.
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html).not.toMatch(/<style|\sstyle=/);
      expect(html).toBe(readFileSync(path.join(built.dir, 'index.html'), 'utf8'));

      const names = [...html.matchAll(/(?:src|href)="\/ui\/assets\/([^"]+)"/g)].map((m) => m[1]!);
      expect(names).toHaveLength(2);
      for (const name of names) {
        expect(name).toMatch(/^(app|styles)-[A-Z0-9]{8}\.(js|css)$/);
        const asset = await fetch(`${s.url}/ui/assets/${name}`);
        expect(asset.status).toBe(200);
        expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
        expect(asset.headers.get('content-type')).toMatch(name.endsWith('.js') ? /^text\/javascript/ : /^text\/css/);
        expect(asset.headers.get('content-security-policy')).toBe(csp);
        const head = await fetch(`${s.url}/ui/assets/${name}`, { method: 'HEAD' });
        expect(head.status).toBe(200);
        expect(head.headers.get('content-length')).toBe(asset.headers.get('content-length'));
        expect(await head.text()).toBe('');
      }
    });

    it('revalidates the page by ETag: 304 while the build is the same, 200 for another tag; HEAD answers without a body', async () => {
      const page = await fetch(`${s.url}/ui/`);
      const etag = page.headers.get('etag')!;
      expect(etag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
      const again = await fetch(`${s.url}/ui/`, { headers: { 'if-none-match': etag } });
      expect(again.status).toBe(304);
      expect(again.headers.get('etag')).toBe(etag);
      expect(again.headers.get('cache-control')).toBe('no-cache');
      expect(await again.text()).toBe('');
      expect((await fetch(`${s.url}/ui/`, { headers: { 'if-none-match': `"other", W/${etag}` } })).status).toBe(304);
      const stale = await fetch(`${s.url}/ui/`, { headers: { 'if-none-match': '"an-older-build"' } });
      expect(stale.status).toBe(200);
      expect(await stale.text()).toBe(await page.text());
      const head = await fetch(`${s.url}/ui/`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('etag')).toBe(etag);
      expect(head.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await head.text()).toBe('');
      expect((await fetch(`${s.url}/ui`, { method: 'HEAD', redirect: 'manual' })).status).toBe(302);
    });

    it('answers HEAD only for the console: the API still refuses it', async () => {
      expect((await fetch(`${s.url}/healthz`, { method: 'HEAD' })).status).toBe(404);
      expect((await fetch(`${s.url}/v1/flags`, { method: 'HEAD' })).status).toBe(404);
    });

    it('answers 404 in the one error shape for a name it does not hold', async () => {
      for (const name of ['app-NOPE.js', '..%2Findex.html', '..%2F..%2Fpackage.json']) {
        const r = await s.call('GET', `/ui/assets/${name}`, { token: null, tenant: null });
        expect(r.status, name).toBe(404);
        expect(r.json.error.code).toBe('NOT_FOUND');
      }
    });

    it('tells the page how it may sign in: a token only, or the identity provider the server trusts', async () => {
      const r = await s.call('GET', '/ui/config.json', { token: null, tenant: null });
      expect(r.json).toEqual({ oidc: null });
      const jwks = { FF_JWT_SECRET: SECRET, FF_JWKS_URL: 'https://id.example.test/jwks', FF_JWT_ISSUER: 'https://id.example.test/realms/acme', FF_JWT_AUDIENCE: 'ff' };
      const config = loadConfig({ ...jwks, FF_CONSOLE_OIDC_CLIENT_ID: 'ff-console', FF_CONSOLE_OIDC_SCOPE: 'openid ff' });
      expect(config.consoleOidc).toEqual({ issuer: 'https://id.example.test/realms/acme', clientId: 'ff-console', scope: 'openid ff' });
      expect(consoleCsp(config)).toContain("connect-src 'self' https://id.example.test;");
      expect(() => loadConfig({ FF_JWT_SECRET: SECRET, FF_CONSOLE_OIDC_CLIENT_ID: 'ff-console' })).toThrow(ConfigError);
      expect(() => loadConfig({ ...jwks, FF_JWT_ISSUER: 'acme-issuer', FF_CONSOLE_OIDC_CLIENT_ID: 'ff-console' })).toThrow(/http\(s\) issuer URL/);
    });
  });

  describe('what break-glass relies on', () => {
    const flagKey = ALPHA.flags[0]!.key;

    it('records X-Change-Reason on the audit row of the write; drift shows in the document meta', async () => {
      const before = await s.call('GET', `/v1/flags/${flagKey}`);
      expect(before.json.meta.drift).toBeNull();
      const reason = 'kill switch: errors spiking — ünïcode kept';
      const put = await s.call('PUT', `/v1/flags/${flagKey}?force=true`, {
        body: { ...before.json.data, description: 'forced' },
        headers: { 'if-match': '*', 'x-change-reason': encodeURIComponent(reason) },
      });
      expect(put.status).toBe(200);
      const audit = await s.call('GET', `/v1/audit?key=${flagKey}&limit=1`);
      // Seeded, not applied from Git: ?force=true overrode nothing, so the row is not marked forced (test/server/drift.test.ts has one that is).
      expect(audit.json.items[0]).toMatchObject({ reason, forced: false });
      const list = await s.call('GET', `/v1/flags?q=${flagKey}`);
      expect(list.json.items[0].meta.drift).toMatchObject({ source: 'api', actor: 'alice' });
    });

    it('refuses a reason that is too long, not percent-encoded UTF-8, or has control characters, writing nothing', async () => {
      const current = await s.call('GET', `/v1/flags/${flagKey}`);
      const doc = { ...current.json.data, description: 'changed again' };
      const count = (await s.call('GET', `/v1/audit?key=${flagKey}&limit=200`)).json.items.length;
      for (const bad of ['x'.repeat(501), '%E0%A4%A', encodeURIComponent('line\u0007bell')]) {
        const r = await s.call('PUT', `/v1/flags/${flagKey}?force=true`, { body: doc, headers: { 'if-match': '*', 'x-change-reason': bad } });
        expect(r.status).toBe(400);
        expect(r.json.error.code).toBe('BAD_REQUEST');
      }
      expect((await s.call('GET', `/v1/audit?key=${flagKey}&limit=200`)).json.items).toHaveLength(count);
      expect((await s.call('GET', `/v1/flags/${flagKey}`)).json.data.description).toBe(current.json.data.description);
    });
  });
});
