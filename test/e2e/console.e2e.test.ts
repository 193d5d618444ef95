// The console in headless Chromium (Debian's package, driven by
// playwright-core) against a real server on a random port, with flags applied
// from a real Git repository by the built `ff` binary: sign-in, navigation, a
// live update after an apply, the playground against `ff eval --explain`,
// break-glass and its reconciliation into Git, a read-only token, a
// 10,000-flag tenant, accessibility (axe-core) and the phone width. Set
// FF_UPDATE_SCREENSHOTS=1 to rewrite docs/console/*.png.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExperimentResults } from '../../core/experiments/results.js';
import type { Flag, TenantState } from '../../core/model/index.js';
import { describeP, formatFigure, formatInterval, formatPValue } from '../../console/src/model.js';
import { ffAgainst, remoteState, startGitopsServer, type GitopsServer } from '../cli/support/ff-server.js';
import { createGitRepo, type GitRepo } from '../cli/support/git-repo.js';
import { ROOT, runFf } from '../cli/support/run-ff.js';
import { tempDir, type TempDir } from '../cli/support/temp-repo.js';

const CHROMIUM = [process.env.FF_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => p !== undefined && existsSync(p));
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SHOTS = process.env.FF_UPDATE_SCREENSHOTS === '1';
/** The page's globals these tests read (the test code is type-checked for Node, without the DOM library). */
interface BrowserGlobals {
  sessionStorage: { getItem(key: string): string | null };
  document: { documentElement: { scrollWidth: number } };
}
const READ_SCOPES = ['flags:read', 'segments:read', 'environments:read', 'keys:read', 'audit:read', 'evaluate'];

/** 10,000 flags: what a large tenant looks like to the list (paged, searched and windowed). */
function bigTenant(): TenantState {
  const flags: Flag[] = Array.from({ length: 10_000 }, (_, i) => ({
    key: `flag-${String(i).padStart(5, '0')}`,
    description: i % 2 === 0 ? 'even' : 'odd',
    type: 'boolean',
    variants: { on: true, off: false },
    offVariant: 'off',
    environments: { production: { enabled: i % 3 !== 0, default: i % 5 === 0 ? { rollout: { on: 25, off: 75 } } : { variant: 'on' } } },
  }));
  return { tenant: 'big', environments: [{ key: 'production' }], flags, segments: [] };
}

let tmp: TempDir;
let ff: GitopsServer;
let repo: GitRepo;
let browser: Browser;
let admin: string;
let reader: string;
let ci: ReturnType<typeof ffAgainst>;
let flagsDir: string;
/** The commit the first apply came from (the audit view's commit filter finds its rows). */
let firstCommit: string;

beforeAll(async () => {
  if (CHROMIUM === undefined) throw new Error('Chromium is not installed: apt-get install -y chromium (scripts/ensure-chromium.sh does), or set FF_CHROMIUM');
  tmp = await tempDir('ff-console-e2e-');
  // Usage flushed often, so the list's "last evaluated" column fills in quickly.
  ff = await startGitopsServer([bigTenant()], { FF_USAGE_FLUSH_MS: '100' });
  repo = await createGitRepo(join(tmp.path, 'flags-repo'), 'git@github.com:acme/flags.git');
  await cp(join(ROOT, 'flags', 'acme'), join(repo.path, 'flags', 'acme'), { recursive: true });
  firstCommit = repo.commit('Acme flags');
  flagsDir = join(repo.path, 'flags');
  ci = ffAgainst(ff.url, await ff.token(['acme'], 'ci'));
  expect((await ci(['apply', flagsDir, '-t', 'acme', '--auto-approve'])).code).toBe(0);
  admin = await ff.token(['acme', 'big'], 'oncall');
  reader = await ff.token(['acme'], 'reader', READ_SCOPES);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-background-networking'] });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await ff?.close();
  await tmp?.remove();
});

interface Session {
  context: BrowserContext;
  page: Page;
  /** Console messages the page logged (CSP violations among them). */
  messages: string[];
}

async function signIn(token: string, viewport = { width: 1280, height: 800 }, tenant = 'acme'): Promise<Session> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const messages: string[] = [];
  page.on('console', (m) => messages.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => messages.push(`pageerror: ${e.message}`));
  await page.goto(`${ff.url}/ui`);
  await page.getByLabel('Bearer token').fill(token);
  await page.getByRole('button', { name: 'Sign in with the token' }).click();
  // A token for several tenants: choose one.
  await page.getByLabel('Tenant').selectOption(tenant);
  await page.waitForSelector('table.flags tbody tr.row');
  return { context, page, messages };
}

async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol, which the page's CSP does not govern; the page itself loads nothing inline.
  await page.evaluate(AXE);
  const results = await page.evaluate(() => (globalThis as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> } }).axe.run());
  return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.nodes.length})`);
}

async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  if (SHOTS) await page.screenshot({ path: join(ROOT, 'docs', 'console', `${name}.png`), fullPage });
}

const rowOf = (page: Page, key: string) => page.locator('table.flags tbody tr.row', { has: page.locator(`a:text-is("${key}")`) });

describe('the console', () => {
  it('signs in with a pasted token kept out of URLs and logs, navigates every view, without CSP or accessibility violations', async () => {
    // The sign-in page itself, before any token.
    const anonymous = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const signInPage = await anonymous.newPage();
    await signInPage.goto(`${ff.url}/ui`);
    await signInPage.getByLabel('Bearer token').waitFor();
    expect(await seriousViolations(signInPage)).toEqual([]);
    await anonymous.close();

    const { context, page, messages } = await signIn(admin);
    expect(await page.evaluate(() => (globalThis as unknown as BrowserGlobals).sessionStorage.getItem('ff.console.token'))).toBe(admin);
    expect(page.url()).not.toContain(admin.slice(0, 20));
    await expect.poll(() => page.locator('.live').textContent()).toMatch(/^live/);
    expect(await rowOf(page, 'new-checkout').locator('.badge-git').count()).toBe(1);
    await shot(page, 'flags');
    expect(await seriousViolations(page)).toEqual([]);

    await rowOf(page, 'new-checkout').locator('a').click();
    await page.waitForSelector('#flag-title');
    const production = page.locator('section.env-card', { has: page.locator('h3:text("production")') });
    expect(await production.locator('ol.rules li').allTextContents()).toEqual([
      'legacy-browsers if userAgent matches "(MSIE [0-9]+\\\\.[0-9]+|Trident/[0-9]+)" → serve off',
      'staff if in segment internal-employees → serve on',
      'beta if in segment beta-programme → serve on',
    ]);
    await expect.poll(() => page.locator('pre.yaml').textContent()).toContain('key: new-checkout');
    expect(await page.locator('ol.audit .audit-entry').first().textContent()).toContain('ci');
    expect(await page.locator('ol.audit a[href^="https://github.com/acme/flags/commit/"]').count()).toBeGreaterThan(0);
    await shot(page, 'flag', true);
    expect(await seriousViolations(page)).toEqual([]);

    for (const [name, heading] of [['Segments', 'Segments'], ['Audit', 'Audit'], ['API keys', 'API keys']] as const) {
      await page.getByRole('navigation', { name: 'views' }).getByRole('link', { name, exact: true }).click();
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      if (name === 'Audit') continue; // checked below, filtered
      // Loaded (the list's table), then checked.
      await page.locator('section .table-wrap table').waitFor();
      expect(await seriousViolations(page), name).toEqual([]);
    }
    await page.getByRole('navigation', { name: 'views' }).getByRole('link', { name: 'Audit', exact: true }).click();
    await page.getByLabel('Actor').fill('ci');
    await page.getByLabel('Resource').selectOption('segment');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => page.locator('.audit-entry').count()).toBeGreaterThan(0);
    expect(await page.locator('.audit-entry').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('segment')]));
    await shot(page, 'audit');
    expect(await seriousViolations(page)).toEqual([]);

    // By commit (a prefix, as git takes it): every entry shown links to that commit, and there are as many as the API finds.
    const filters = page.locator('form.filters');
    await filters.getByLabel('Actor').fill('');
    await filters.getByLabel('Resource').selectOption('');
    await filters.getByLabel('Commit', { exact: true }).fill(firstCommit.slice(0, 8));
    await filters.getByRole('button', { name: 'Filter' }).click();
    const byCommit = await ff.server.call('GET', `/v1/audit?commit=${firstCommit.slice(0, 8)}&limit=50`, { tenant: 'acme', token: admin });
    expect(byCommit.json.items.length).toBeGreaterThan(0);
    await expect.poll(() => page.locator('.audit-entry').count()).toBe(byCommit.json.items.length);
    expect(await page.locator(`.audit-entry a[href="https://github.com/acme/flags/commit/${firstCommit}"]`).count()).toBe(byCommit.json.items.length);
    expect(page.url()).toContain(`commit=${firstCommit.slice(0, 8)}`);
    // By time: a window after every change finds none; one around them finds them again.
    await filters.getByLabel('From', { exact: true }).fill('2099-01-01T00:00');
    await filters.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('No entries.').waitFor();
    expect(await page.locator('.audit-entry').count()).toBe(0);
    await filters.getByLabel('From', { exact: true }).fill('2000-01-01T00:00');
    await filters.getByLabel('To', { exact: true }).fill('2099-01-01T00:00');
    await filters.getByRole('button', { name: 'Filter' }).click();
    await expect.poll(() => page.locator('.audit-entry').count()).toBe(byCommit.json.items.length);
    expect(decodeURIComponent(page.url())).toMatch(/from=\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z/);

    expect(messages.filter((m) => /Content Security Policy|pageerror/.test(m))).toEqual([]);
    expect(ff.server.rawLogs()).not.toContain(admin);
    await context.close();
  });

  it('shows an apply as it lands, through the change stream, without reloading', async () => {
    const { context, page } = await signIn(reader);
    await expect.poll(() => page.locator('.live').textContent()).toMatch(/^live/);
    const row = rowOf(page, 'promo-banner');
    expect(await row.locator('td').nth(2).textContent()).toBe('on');
    await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));
    const target = join(repo.path, 'flags', 'acme', 'pricing.yaml');
    const text = readFileSync(target, 'utf8');
    const at = text.indexOf('key: promo-banner');
    const productionAt = text.indexOf('      production:\n        enabled: true', at);
    expect(productionAt).toBeGreaterThan(at);
    writeFileSync(target, text.slice(0, productionAt) + text.slice(productionAt).replace('enabled: true', 'enabled: false'));
    repo.commit('Pause the promo banner in production');
    expect((await ci(['apply', flagsDir, '-t', 'acme', '--auto-approve'])).code).toBe(0);
    await expect.poll(() => row.locator('td').nth(2).textContent(), { timeout: 10_000 }).toBe('off');
    // Same document: the change arrived over the stream, not by a reload.
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(42);
    await context.close();
  });

  it('the playground answers exactly what `ff eval --explain` prints', async () => {
    const { context, page } = await signIn(reader);
    await page.goto(`${ff.url}/ui/#/acme/playground?flag=new-checkout&env=production`);
    await page.getByRole('button', { name: 'add attribute email' }).waitFor();
    const contextJson = { targetingKey: 'user-42', email: 'ada@acme.com', employeeId: 'e-1' };
    await page.getByLabel('Context (JSON)').fill('{ not json');
    expect(await page.locator('#pg-context-help').textContent()).toMatch(/^not JSON/);
    expect(await page.getByRole('button', { name: 'Evaluate' }).isDisabled()).toBe(true);
    await page.getByLabel('Context (JSON)').fill(JSON.stringify(contextJson));
    await page.getByRole('button', { name: 'Evaluate' }).click();
    const shown = await page.locator('pre.explain').textContent();
    const local = await runFf(['eval', 'new-checkout', '-t', 'acme', '-e', 'production', '-c', JSON.stringify(contextJson), '--explain', '--dir', flagsDir]);
    const remote = await ffAgainst(ff.url, reader)(['eval', 'new-checkout', '-t', 'acme', '-e', 'production', '-c', JSON.stringify(contextJson), '--explain', '--remote']);
    expect(local.code).toBe(0);
    expect(shown).toBe(local.stdout);
    expect(shown).toBe(remote.stdout);
    expect(shown).toContain('rule 2 staff: match');
    await shot(page, 'playground', true);
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });

  it('break-glass: a typed confirmation and a reason, a forced write recorded as drift, reconciled into Git by ff export --drift', async () => {
    const { context, page } = await signIn(admin);
    await rowOf(page, 'disable-paypal').locator('a').click();
    const staging = page.locator('section.env-card', { has: page.locator('h3:text("staging")') });
    await staging.getByRole('button', { name: 'Disable in staging' }).click();
    const dialog = page.getByRole('dialog');
    const confirm = dialog.getByRole('button', { name: 'disable disable-paypal in staging' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('Reason (recorded in the audit log)').fill('PayPal sandbox flapping; drill over');
    await dialog.getByLabel('Type disable-paypal to confirm').fill('disable-payp');
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('Type disable-paypal to confirm').fill('disable-paypal');
    await shot(page, 'break-glass');
    expect(await seriousViolations(page)).toEqual([]);
    await confirm.click();
    await expect.poll(() => staging.locator('h3 .badge').textContent()).toBe('off');
    await expect.poll(() => page.locator('.badge-drift').count()).toBeGreaterThan(0);

    const audit = await ff.server.call('GET', '/v1/audit?key=disable-paypal&limit=1', { tenant: 'acme', token: admin });
    expect(audit.json.items[0]).toMatchObject({ actor: 'oncall', action: 'update', environment: 'staging', reason: 'PayPal sandbox flapping; drill over', forced: true });
    // The flag's history marks the entry as a forced write, with its reason.
    const forcedEntry = page.locator('ol.audit .audit-entry', { has: page.locator('.badge-forced') });
    await expect.poll(() => forcedEntry.count()).toBe(1);
    expect(await forcedEntry.textContent()).toContain('Reason: PayPal sandbox flapping; drill over');
    const plan = await ci(['plan', flagsDir, '-t', 'acme', '--detailed-exitcode']);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toMatch(/drift: changed on the server outside Git by oncall/);

    expect((await ci(['export', '-t', 'acme', '--out', flagsDir, '--drift'])).code).toBe(0);
    expect((await ci(['plan', flagsDir, '-t', 'acme', '--detailed-exitcode'])).code).toBe(0);
    repo.commit('Keep PayPal disabled in staging (break-glass, reviewed)');
    await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 7));
    expect((await ci(['apply', flagsDir, '-t', 'acme', '--auto-approve'])).code).toBe(0);
    expect((await remoteState(ff.server, 'acme', admin)).resources['flag:disable-paypal']?.drift).toBeUndefined();
    // The apply cleared the mark without a new revision: the open page hears of it on the change stream (`event: marks`), no reload.
    await expect.poll(() => page.locator('.badge-drift').count(), { timeout: 10_000 }).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(7);
    await context.close();
  });

  it('a token without flags:write sees no write control, and the API refuses it anyway', async () => {
    const { context, page } = await signIn(reader);
    await rowOf(page, 'new-checkout').locator('a').click();
    await page.waitForSelector('section.env-card');
    expect(await page.getByRole('button', { name: /^(Disable|Enable) in / }).count()).toBe(0);
    const status = await page.evaluate(async (token) => {
      const current = await fetch('/v1/flags/new-checkout', { headers: { authorization: `Bearer ${token}`, 'x-tenant-id': 'acme' } });
      const body = (await current.json()) as { data: { environments: Record<string, { enabled: boolean }> } };
      body.data.environments.production!.enabled = false;
      const put = await fetch('/v1/flags/new-checkout?force=true', {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'x-tenant-id': 'acme', 'content-type': 'application/json', 'if-match': '*' },
        body: JSON.stringify(body.data),
      });
      return { status: put.status, code: ((await put.json()) as { error: { code: string } }).error.code };
    }, reader);
    expect(status).toEqual({ status: 403, code: 'FORBIDDEN' });
    await context.close();
  });

  it('shows when each flag was last evaluated in the chosen environment, once the server reports usage', async () => {
    const { context, page } = await signIn(reader);
    expect(await page.locator('table.flags th').allTextContents()).toContain('Last evaluated here');
    const cell = rowOf(page, 'free-shipping-threshold').locator('td').last();
    expect(await cell.textContent()).toBe('never');
    const evaluated = await ff.server.call('POST', '/v1/evaluate', { tenant: 'acme', token: reader, body: { flag_key: 'free-shipping-threshold', environment: 'production', context: { targetingKey: 'u-1' } } });
    expect(evaluated.status).toBe(200);
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.waitForSelector('table.flags tbody tr.row');
          return cell.textContent();
        },
        { timeout: 15_000 },
      )
      .not.toBe('never');
    // In another environment it was not evaluated.
    await page.getByRole('group', { name: 'environment' }).getByRole('link', { name: 'staging' }).click();
    await expect.poll(() => page.locator('table.flags th').nth(2).textContent()).toBe('staging');
    expect(await cell.textContent()).toBe('never');
    await context.close();
  });

  it("a flag page shows its experiment's results exactly as the results route computes them, a sample-ratio mismatch loudly", async () => {
    // Exposures as an SDK uploads them, then events through the real API: a lopsided split (60/20/20 against 34/33/33), one unit
    // that saw two variants, one event sent before its unit's exposure.
    const { revision } = await remoteState(ff.server, 'acme', admin);
    const exposedAt = new Date(Date.now() - 60_000).toISOString();
    const variantOf = (i: number) => (i < 60 ? 'control' : i < 80 ? 'annual-discount' : 'bundle');
    const exposures = Array.from({ length: 100 }, (_, i) => ({ experiment: 'pricing-q4', flag: 'pricing-experiment', variant: variantOf(i), unit: `acct-${i}`, timestamp: exposedAt }));
    exposures.push({ experiment: 'pricing-q4', flag: 'pricing-experiment', variant: 'bundle', unit: 'acct-0', timestamp: exposedAt });
    const uploaded = await ff.server.call('POST', '/v1/exposures', { tenant: 'acme', token: reader, body: { environment: 'production', revision, exposures } });
    expect(uploaded.status).toBe(202);
    expect(uploaded.json.accepted).toBe(101);
    const events = [
      ...Array.from({ length: 100 }, (_, i) => i).filter((i) => i % 3 === 0 || (i >= 60 && i % 2 === 0)).map((i) => ({ id: `buy-${i}`, event: 'plan-purchased', unit: `acct-${i}` })),
      ...Array.from({ length: 100 }, (_, i) => ({ id: `rev-${i}`, event: 'revenue', unit: `acct-${i}`, value: (i % 7) * 10 + (i >= 80 ? 25 : 0) })),
      { id: 'early', event: 'plan-purchased', unit: 'acct-1', timestamp: new Date(Date.now() - 120_000).toISOString() },
    ];
    expect((await ff.server.call('POST', '/v1/events', { tenant: 'acme', token: reader, body: { environment: 'production', events } })).status).toBe(202);
    const results = (await ff.server.call('GET', '/v1/experiments/pricing-q4/results', { tenant: 'acme', token: reader })).json as ExperimentResults;
    expect(results.srm?.mismatch).toBe(true);
    expect(results.units.multipleVariants).toBe(1);

    const { context, page, messages } = await signIn(reader);
    await rowOf(page, 'pricing-experiment').locator('a').click();
    const section = page.locator('section.experiment[data-experiment="pricing-q4"]');
    await section.waitFor();
    expect(await section.locator('.srm[role="alert"]').textContent()).toContain(`Sample ratio mismatch (${describeP(results.srm!.pValue)})`);
    expect(await section.locator('.exp-units').textContent()).toContain(`${results.units.exposed} units exposed, ${results.units.analyzed} analyzed, 1 dropped for seeing more than one variant`);
    for (const metric of results.metrics) {
      const table = section.locator(`table.exp-metric[data-metric="${metric.event}"]`);
      for (const v of metric.variants) {
        const c = metric.comparisons.find((x) => x.variant === v.variant);
        const cells = await table.locator(`tr[data-variant="${v.variant}"] > *`).allTextContents();
        expect(cells).toEqual([
          v.variant,
          String(v.units),
          metric.type === 'conversion' ? `${v.conversions} (${formatFigure(v.value)})` : `${formatFigure(v.value)} (${formatFigure(v.standardDeviation!)})`,
          c ? `${formatFigure(c.effect)}${c.relativeEffect === null ? '' : ` (${formatFigure(c.relativeEffect * 100)}%)`}` : 'control',
          c ? formatInterval(c.interval) : '',
          c ? `${formatInterval(c.sequentialInterval)}${c.significant ? ' significant' : ''}` : '',
          c ? formatPValue(c.pValue) : '',
        ]);
      }
      const d = metric.droppedEvents;
      expect(await table.locator('.exp-dropped').textContent()).toBe(
        `${metric.countedEvents} events counted; dropped: ${d.beforeExposure} before exposure, ${d.afterWindow} after the window, ${d.multipleVariants} from units with more than one variant, ${d.notExposed} from units never exposed`,
      );
    }
    expect(results.metrics[0]!.droppedEvents.beforeExposure).toBe(1);
    // No data yet for a metric: an unbounded always-valid interval, shown as such rather than as numbers.
    expect(await section.locator('table.exp-metric[data-metric="support-ticket"] tr[data-variant="bundle"] td').nth(4).textContent()).toBe('—');
    if (SHOTS) await section.screenshot({ path: join(ROOT, 'docs', 'console', 'experiment.png') });
    expect(await seriousViolations(page)).toEqual([]);
    expect(messages.filter((m) => /pageerror/.test(m))).toEqual([]);
    await context.close();
  });

  it('a 10,000-flag tenant: one page fetched, a window of rows rendered, more pages on scroll, search on the server', async () => {
    const { context, page } = await signIn(admin, { width: 1280, height: 800 }, 'big');
    const requests: string[] = [];
    page.on('request', (r) => r.url().includes('/v1/flags') && requests.push(new URL(r.url()).search));
    expect(await page.locator('table.flags tbody tr.row').count()).toBeLessThan(60);
    expect(await page.locator('.count').textContent()).toBe('200+ flags');
    await page.locator('.scroller').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await expect.poll(() => page.locator('.count').textContent()).toBe('400+ flags');
    expect(await page.locator('table.flags tbody tr.row').count()).toBeLessThan(60);
    await page.getByLabel('Search flags').fill('flag-0999');
    await expect.poll(() => page.locator('.count').textContent()).toBe('10 flags matching “flag-0999”');
    expect(requests.some((q) => q.includes('q=flag-0999'))).toBe(true);
    await context.close();
  });

  it('works at a phone width: no horizontal scrolling, the essentials kept', async () => {
    const { context, page } = await signIn(reader, { width: 390, height: 844 });
    expect(await page.evaluate(() => (globalThis as unknown as BrowserGlobals).document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await page.locator('table.flags th:visible').allTextContents()).toEqual(['Flag', 'production', 'Serves', 'Source']);
    await shot(page, 'flags-phone');
    expect(await seriousViolations(page)).toEqual([]);
    await rowOf(page, 'new-checkout').locator('a').click();
    await page.waitForSelector('section.env-card');
    expect(await page.evaluate(() => (globalThis as unknown as BrowserGlobals).document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await context.close();
  });
});
