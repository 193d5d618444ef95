// A page on another origin, in headless Chromium (Debian's package, driven by
// playwright-core), evaluating with the stock @openfeature/web-sdk and
// @openfeature/ofrep-web-provider against a real server: CORS from the
// environment's allowedOrigins, bulk evaluation revalidated with ETag, a
// change noticed by polling — and a page of an unlisted origin refused.
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantState } from '../../core/model/index.js';
import { ALPHA } from '../server/helpers/fixtures.js';
import { startTestServer, type TestServer } from '../server/helpers/server.js';

// FF_CHROMIUM names another build (e.g. a CI runner's Chrome).
const CHROMIUM = [process.env.FF_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => p !== undefined && existsSync(p));

// What the page runs: the stock packages, bundled for the browser by esbuild.
const PAGE_SCRIPT = `
import { OpenFeature, ProviderEvents } from '@openfeature/web-sdk';
import { OFREPWebProvider } from '@openfeature/ofrep-web-provider';
window.changes = [];
window.startFlags = async (baseUrl, key) => {
  await OpenFeature.setContext({ targetingKey: 'user-42' });
  await OpenFeature.setProviderAndWait(new OFREPWebProvider({ baseUrl, headers: [['X-API-Key', key]], changeDetection: 'polling', pollInterval: 100 }));
  const client = OpenFeature.getClient();
  client.addHandler(ProviderEvents.ConfigurationChanged, (e) => window.changes.push({ flagsChanged: e.flagsChanged, value: client.getStringValue('banner-text', 'none') }));
  return { status: client.providerStatus, details: client.getStringDetails('banner-text', 'none') };
};
`;

interface PageServer {
  origin: string;
  close(): Promise<void>;
}

async function servePage(bundle: string): Promise<PageServer> {
  const server = http.createServer((req, res) => {
    if (req.url === '/app.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    else res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>shop</title><script type="module" src="/app.js"></script>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

let browser: Browser;
let api: TestServer;
let shop: PageServer;
let elsewhere: PageServer;
let key: string;

beforeAll(async () => {
  if (CHROMIUM === undefined) throw new Error('Chromium is not installed: apt-get install -y chromium (.ci/run does), or set FF_CHROMIUM');
  const bundled = await build({ stdin: { contents: PAGE_SCRIPT, resolveDir: process.cwd(), loader: 'js' }, bundle: true, format: 'esm', platform: 'browser', write: false, logLevel: 'warning' });
  const bundle = bundled.outputFiles[0]!.text;
  [shop, elsewhere] = await Promise.all([servePage(bundle), servePage(bundle)]);
  const state: TenantState = { ...ALPHA, environments: [{ key: 'development' }, { key: 'production', allowedOrigins: [shop.origin] }] };
  api = await startTestServer({ tenants: [state] });
  key = (await api.call('POST', '/v1/api-keys', { body: { name: 'shop', environment: 'production' } })).json.key;
  // Headless as root needs --no-sandbox; background networking would only add noise.
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-background-networking'] });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await api?.close();
  await Promise.all([shop?.close(), elsewhere?.close()]);
});

describe('the OpenFeature web SDK with the OFREP web provider, from another origin', () => {
  it('evaluates, revalidates with ETag, and sees a change by polling', async () => {
    const page = await browser.newPage();
    // The first unchanged poll: a 304 to a bulk request that sent the ETag back.
    const revalidated = new Promise<string>((resolve) => {
      page.on('response', (r) => {
        const ifNoneMatch = r.request().headers()['if-none-match'];
        if (r.url().endsWith('/ofrep/v1/evaluate/flags') && r.status() === 304 && ifNoneMatch !== undefined) resolve(ifNoneMatch);
      });
    });
    await page.goto(shop.origin);
    await page.waitForFunction(() => typeof (globalThis as unknown as { startFlags?: unknown }).startFlags === 'function');
    const started = await page.evaluate(([base, k]) => (globalThis as unknown as { startFlags: (b: string, k: string) => Promise<{ status: string; details: { value: string; variant?: string; reason?: string } }> }).startFlags(base!, k!), [api.url, key]);
    const wire = (await api.call('POST', '/v1/evaluate', { apiKey: key, tenant: null, body: { flag_key: 'banner-text', context: { targetingKey: 'user-42' } } })).json;
    expect(started.status).toBe('READY');
    expect(started.details).toMatchObject({ value: wire.value, variant: wire.variant, reason: wire.reason });

    expect(await revalidated).toMatch(/^"/);

    const current = await api.call('GET', '/v1/flags/banner-text');
    const doc = structuredClone(current.json.data);
    const other = Object.keys(doc.variants).find((v) => doc.variants[v] !== wire.value)!;
    doc.environments.production = { enabled: true, default: { variant: other } };
    expect((await api.call('PUT', '/v1/flags/banner-text?force=true', { body: doc, headers: { 'if-match': '*' } })).status).toBe(200);

    await page.waitForFunction(() => (globalThis as unknown as { changes: unknown[] }).changes.length > 0, undefined, { timeout: 20_000 });
    const changes = await page.evaluate(() => (globalThis as unknown as { changes: { flagsChanged: string[]; value: string }[] }).changes);
    // The provider names every flag whose cached entry it replaced (each carries the revision): banner-text among them.
    expect(changes[0]!.flagsChanged).toContain('banner-text');
    expect(changes[0]!.value).toBe(doc.variants[other]);
    await page.close();
  });

  it('gives a page of an unlisted origin nothing: the provider cannot start', async () => {
    const page = await browser.newPage();
    const consoleErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    await page.goto(elsewhere.origin);
    await page.waitForFunction(() => typeof (globalThis as unknown as { startFlags?: unknown }).startFlags === 'function');
    const outcome = await page.evaluate(([base, k]) =>
      (globalThis as unknown as { startFlags: (b: string, k: string) => Promise<{ status: string }> }).startFlags(base!, k!).then(
        (r) => r.status,
        (e: Error) => `rejected: ${e.message}`,
      ), [api.url, key]);
    expect(outcome).not.toBe('READY');
    expect(consoleErrors.join('\n')).toMatch(/CORS|Access-Control-Allow-Origin/);
    await page.close();
  });
});
