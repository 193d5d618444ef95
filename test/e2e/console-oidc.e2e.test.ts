// Console sign-in with an identity provider (authorization code + PKCE), in
// headless Chromium against a real server that verifies the provider's RS256
// tokens through its JWKS (FF_JWKS_URL, FF_JWT_ISSUER, FF_JWT_AUDIENCE).
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALPHA } from '../server/helpers/fixtures.js';
import { startTestServer, type TestServer } from '../server/helpers/server.js';
import { startOidcProvider, type OidcProvider } from './support/oidc-provider.js';

const CHROMIUM = [process.env.FF_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => p !== undefined && existsSync(p));

let browser: Browser;
let idp: OidcProvider;
let ff: TestServer;

beforeAll(async () => {
  if (CHROMIUM === undefined) throw new Error('Chromium is not installed: apt-get install -y chromium (scripts/ensure-chromium.sh does), or set FF_CHROMIUM');
  idp = await startOidcProvider({ clientId: 'ff-console', audience: 'ff', user: { sub: 'ada@acme.test', tenants: ['alpha'], scope: 'flags:read audit:read evaluate' } });
  ff = await startTestServer({
    tenants: [ALPHA],
    env: { FF_JWKS_URL: `${idp.issuer}/jwks`, FF_JWT_ISSUER: idp.issuer, FF_JWT_AUDIENCE: 'ff', FF_CONSOLE_OIDC_CLIENT_ID: 'ff-console', FF_CONSOLE_OIDC_SCOPE: 'openid ff' },
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-background-networking'] });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await ff?.close();
  await idp?.close();
});

describe('console sign-in with the identity provider', () => {
  it('signs in with authorization code + PKCE; the token works on the API and leaves no code in the address bar', async () => {
    const page = await browser.newPage();
    const messages: string[] = [];
    page.on('console', (m) => messages.push(m.text()));
    await page.goto(`${ff.url}/ui/`);
    await page.getByRole('button', { name: `Sign in with ${new URL(idp.issuer).host}` }).click();
    await page.waitForSelector('table.flags tbody tr.row');
    expect(idp.issued).toBe(1);
    expect(new URL(page.url()).search).toBe('');
    expect(await page.locator('.sub').textContent()).toBe('ada@acme.test');
    const token = await page.evaluate(() => (globalThis as unknown as { sessionStorage: { getItem(key: string): string | null } }).sessionStorage.getItem('ff.console.token'));
    expect(token).toMatch(/^ey/);
    // The provider's token is an ordinary bearer token to the server: verified through the JWKS.
    const direct = await ff.call('GET', '/v1/flags', { token, tenant: 'alpha' });
    expect(direct.status).toBe(200);
    // Its scopes decide what the page offers: no segments:read, no Segments view; no flags:write, no kill switch.
    expect(await page.getByRole('link', { name: 'Segments' }).count()).toBe(0);
    await page.locator('td.key a').first().click();
    await page.waitForSelector('section.env-card');
    expect(await page.getByRole('button', { name: /^(Disable|Enable) in / }).count()).toBe(0);
    expect(messages.filter((m) => /Content Security Policy/.test(m))).toEqual([]);
    await page.close();
  });

  it('refuses an answer that does not match a sign-in started in this tab', async () => {
    const page = await browser.newPage();
    await page.goto(`${ff.url}/ui/?code=forged&state=forged`);
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('does not match a sign-in started here');
    expect(new URL(page.url()).search).toBe('');
    expect(await page.evaluate(() => (globalThis as unknown as { sessionStorage: { getItem(key: string): string | null } }).sessionStorage.getItem('ff.console.token'))).toBeNull();
    await page.close();
  });
});
