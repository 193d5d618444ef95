// /docs in headless Chromium (Debian's package, driven by playwright-core)
// against a real server holding the example tenants of flags/: the page loads
// with no console error and no Content-Security-Policy violation, each
// operation's "Try it out" form shows the headers the route reads (If-Match,
// X-Tenant-ID as required, Idempotency-Key, X-Environment), and a PUT sent
// from the form, as a user would fill it, succeeds.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../server/helpers/server.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// FF_CHROMIUM names another build (e.g. a CI runner's Chrome).
const CHROMIUM = [process.env.FF_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => p !== undefined && existsSync(p));

let browser: Browser;
let api: TestServer;
let page: Page;
/** Console errors, uncaught exceptions and CSP violations the page reported, in order. */
const problems: string[] = [];

beforeAll(async () => {
  if (CHROMIUM === undefined) throw new Error('Chromium is not installed: apt-get install -y chromium (.ci/run does), or set FF_CHROMIUM');
  api = await startTestServer();
  // The document's examples are requests against the example tenant `acme` of flags/.
  await api.app.ff.seed(path.join(repo, 'flags'));
  // Headless as root needs --no-sandbox; background networking would only add noise.
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-background-networking'] });
  page = await browser.newPage();
  page.on('console', (m) => void (m.type() === 'error' && problems.push(`console: ${m.text()}`)));
  page.on('pageerror', (e) => void problems.push(`exception: ${e.message}`));
  // A violation is reported to the page as an event whether or not the console shows it.
  // (A string: this runs in the page, whose DOM types the tests' tsconfig does not load.)
  await page.addInitScript(`document.addEventListener('securitypolicyviolation', (e) =>
    console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' (' + e.sourceFile + ':' + e.lineNumber + ')'));`);
  await page.goto(`${api.url}/docs`);
  await page.locator('.opblock').first().waitFor();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await api?.close();
});

/** The operation's block, expanded, in "Try it out" mode. */
async function tryItOut(operationId: string): Promise<Locator> {
  const block = page.locator(`[id$="-${operationId}"].opblock`);
  await block.locator('.opblock-summary').first().click();
  await block.locator('button.try-out__btn').click();
  await block.locator('button.execute').waitFor();
  return block;
}

/** A header parameter's row in the form: its name, whether marked required, its input. */
function headerRow(block: Locator, name: string) {
  const row = block.locator(`tr[data-param-name="${name}"][data-param-in="header"]`);
  return { row, required: row.locator('.parameter__name.required'), input: row.locator('input') };
}

describe('/docs in a browser', () => {
  it('loads with no console error and no CSP violation', async () => {
    // Every operation rendered, and the styles Swagger UI sets inline applied.
    const doc = (await api.call('GET', '/openapi.json', { token: null, tenant: null })).json as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0);
    expect(await page.locator('.opblock').count()).toBe(operations);
    expect(problems).toEqual([]);
  });

  it('shows the headers each route reads in its "Try it out" form', async () => {
    const put = await tryItOut('putFlagsByKey');
    expect(await headerRow(put, 'if-match').row.count()).toBe(1);
    expect(await headerRow(put, 'if-match').required.count()).toBe(1);
    expect(await headerRow(put, 'x-tenant-id').required.count()).toBe(1);

    const create = await tryItOut('postFlags');
    expect(await headerRow(create, 'idempotency-key').row.count()).toBe(1);
    expect(await headerRow(create, 'idempotency-key').required.count()).toBe(0);
    expect(await headerRow(create, 'x-tenant-id').required.count()).toBe(1);

    const ofrep = await tryItOut('postOfrepEvaluateFlagsByKey');
    expect(await headerRow(ofrep, 'x-environment').row.count()).toBe(1);
    // With an API key the key names the tenant: optional here.
    expect(await headerRow(ofrep, 'x-tenant-id').required.count()).toBe(0);

    // The body is prefilled with the document's example.
    expect(JSON.parse(await put.locator('textarea.body-param__text').inputValue())).toMatchObject({ key: 'new-checkout' });
    expect(problems).toEqual([]);
  });

  it('sends a PUT with If-Match from "Try it out", and it succeeds', async () => {
    const token = await api.token({ tenants: ['acme'], sub: 'ada' });
    const before = await api.call('GET', '/v1/flags/new-checkout', { token, tenant: 'acme' });
    expect(before.status).toBe(200);
    const etag = before.headers.get('etag')!;

    await page.locator('button.authorize').first().click();
    const bearer = page.locator('.auth-container').filter({ hasText: 'bearerAuth' });
    await bearer.locator('input').fill(token);
    await bearer.locator('button.authorize').click();
    await page.locator('.modal-ux button.close-modal').click();

    const put = page.locator('[id$="-putFlagsByKey"].opblock');
    await put.locator('tr[data-param-name="key"] input').fill('new-checkout');
    await headerRow(put, 'x-tenant-id').input.fill('acme');
    await headerRow(put, 'if-match').input.fill(etag);
    const sent = page.waitForResponse((r) => r.request().method() === 'PUT' && new URL(r.url()).pathname === '/v1/flags/new-checkout');
    await put.locator('button.execute').click();
    const response = await sent;
    // What the form sent: the token, the tenant and the ETag, and the example body.
    expect(response.request().headers()).toMatchObject({ authorization: `Bearer ${token}`, 'x-tenant-id': 'acme', 'if-match': etag });
    expect(response.status(), await response.text()).toBe(200);
    // And what the page shows the user.
    const status = put.locator('.live-responses-table tbody .response-col_status').first();
    await status.waitFor();
    expect((await status.textContent())?.trim()).toBe('200');
    // The example's change is on the server, under a new ETag.
    const after = await api.call('GET', '/v1/flags/new-checkout', { token, tenant: 'acme' });
    expect(after.json.data.environments.production.default).toEqual({ rollout: { on: 20, off: 80 } });
    expect(after.headers.get('etag')).not.toBe(etag);
    expect(problems).toEqual([]);
  });
});
