// `serve --watch DIR` on a real Git checkout. Every change is
// validated and reconciled through the apply path with the commit read from
// the repository; a checkout touching many files is one reconcile (one
// revision); invalid files keep the last good state while evaluation and
// readiness carry on, and the failure shows in /v1/watch/status, the log and
// ff_watch_reconcile_failures_total. On both stores (the matrix): a
// reconcile is an apply, and its one-revision promise is each store's
// transaction.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from './helpers/poll.js';
import { adminToken, buildLauncher, call, metric, startServer, type Server } from './helpers/processes.js';
import { createTestDatabase, storeMatrix, type TestDatabase } from '../support/postgres.js';

const BURST = 10;

const tenantYaml = (tenant: string) => `version: 1\ntenant: ${tenant}\nenvironments:\n  - key: production\n`;
const stringFlag = (key: string, variants: Record<string, string>, serve: string) =>
  [
    `  - key: ${key}`,
    '    type: string',
    '    variants:',
    ...Object.entries(variants).map(([name, value]) => `      ${name}: "${value}"`),
    `    offVariant: ${Object.keys(variants)[0]}`,
    '    environments:',
    '      production:',
    '        enabled: true',
    '        default:',
    `          variant: ${serve}`,
  ].join('\n');
const flagsYaml = (...flags: string[]) => `version: 1\nflags:\n${flags.join('\n')}\n`;

describe.each(storeMatrix())('watch mode: serve --watch DIR on a Git checkout ($store store)', ({ store }) => {
  let launcher: ReturnType<typeof buildLauncher>;
  let database: TestDatabase | undefined;
  let work: string;
  let checkout: string;
  let server: Server;
  let alpha: string;
  let bravo: string;

  const git = (...args: string[]) => execFileSync('git', args, { cwd: checkout, encoding: 'utf8' }).trim();
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(checkout, file)), { recursive: true });
    writeFileSync(path.join(checkout, file), text);
  };
  const burstFile = (i: number, value: string) => write(`alpha/burst/f${i}.yaml`, flagsYaml(stringFlag(`f${i}`, { one: 'v1', two: 'v2' }, value)));
  const evaluate = async (tenant: string, flag: string) =>
    (await call(server, 'POST', '/v1/evaluate', { token: tenant === 'alpha' ? alpha : bravo, tenant, body: { flag_key: flag, context: {}, environment: 'production' } })).json;
  const status = async (tenant: string) => (await call(server, 'GET', '/v1/watch/status', { token: tenant === 'alpha' ? alpha : bravo, tenant })).json;

  beforeAll(async () => {
    launcher = buildLauncher();
    work = mkdtempSync(path.join(tmpdir(), 'ff-watch-'));
    checkout = path.join(work, 'flags');
    mkdirSync(checkout);
    git('init', '-q', '-b', 'main');
    git('config', 'user.name', 'Flag Author');
    git('config', 'user.email', 'author@example.test');
    git('remote', 'add', 'origin', 'https://ci-user:s3cret-token@git.example.test/org/flags.git');
    write('alpha/tenant.yaml', tenantYaml('alpha'));
    write('alpha/flags.yaml', flagsYaml(stringFlag('banner', { a: 'A', b: 'B' }, 'a')));
    write('bravo/tenant.yaml', tenantYaml('bravo'));
    write('bravo/flags.yaml', flagsYaml(stringFlag('motd', { hello: 'hello', bye: 'bye' }, 'hello')));
    for (let i = 0; i < BURST; i++) burstFile(i, 'one');
    git('add', '-A');
    git('commit', '-q', '-m', 'initial flags');
    // A branch that rewrites every burst file, prepared before the server watches.
    git('checkout', '-q', '-b', 'burst');
    for (let i = 0; i < BURST; i++) burstFile(i, 'two');
    git('commit', '-q', '-am', 'flip every burst flag');
    git('checkout', '-q', 'main');

    database = store === 'postgres' ? await createTestDatabase() : undefined;
    const storeEnv: Record<string, string> = database === undefined ? { FF_DB_PATH: path.join(work, 'ff.db') } : { FF_DATABASE_URL: database.url };
    server = await startServer(launcher.main, 'W', { ...storeEnv, FF_SEED_DIR: path.join(work, 'no-seed'), FF_WATCH_DEBOUNCE_MS: '200' }, ['--watch', checkout]);
    alpha = await adminToken(['alpha']);
    bravo = await adminToken(['bravo']);
  });
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
    launcher?.remove();
    rmSync(work, { recursive: true, force: true });
  });

  it('applies the checkout at start-up with its commit (source git, credentials stripped from the remote)', async () => {
    expect(await evaluate('alpha', 'banner')).toMatchObject({ value: 'A', revision: 1 });
    const s = await status('alpha');
    expect(s).toMatchObject({ enabled: true, state: 'ok', consecutive_failures: 0 });
    expect(s.last_success.commit).toEqual({
      sha: git('rev-parse', 'HEAD'),
      author: 'Flag Author',
      email: 'author@example.test',
      message: 'initial flags',
      branch: 'main',
      remote_url: 'https://git.example.test/org/flags.git',
      committed_at: git('log', '-1', '--format=%cI'),
      dirty: false,
    });
    const audit = await call(server, 'GET', '/v1/audit?source=git&key=banner', { token: alpha, tenant: 'alpha' });
    expect(audit.json.items[0]).toMatchObject({ actor: 'watch', source: 'git' });
    expect(JSON.stringify(audit.json.items[0].commit)).toContain(git('rev-parse', 'HEAD'));
    // Owned by the directory now: a REST edit is refused rather than silently overwritten later.
    const put = await call(server, 'PUT', '/v1/flags/banner', { token: alpha, tenant: 'alpha', body: { key: 'banner', type: 'boolean', variants: { on: true, off: false }, offVariant: 'off' }, headers: { 'if-match': '*' } });
    expect(put.status).toBe(409);
    expect(put.json.error.code).toBe('MANAGED_BY_GIT');
  });

  it('a commit is reconciled: the new value, the new commit', async () => {
    write('alpha/flags.yaml', flagsYaml(stringFlag('banner', { a: 'A', b: 'B' }, 'b')));
    git('commit', '-q', '-am', 'serve B');
    await until('banner = B', async () => ((await evaluate('alpha', 'banner')).value === 'B' ? true : undefined));
    expect((await evaluate('alpha', 'banner')).revision).toBe(2);
    const s = await until('the status to name the commit', async () => ((r) => (r.last_success?.commit?.sha === git('rev-parse', 'HEAD') ? r : undefined))(await status('alpha')));
    expect(s.last_success.commit).toMatchObject({ message: 'serve B', dirty: false });
  });

  it('a checkout rewriting many files is ONE reconcile: one revision carrying every change', async () => {
    // The branch was cut from the first commit: switching to it flips every burst flag AND banner back to A.
    const before = (await evaluate('alpha', 'f0')).revision as number;
    git('checkout', '-q', 'burst');
    const head = git('rev-parse', 'HEAD');
    const s = await until('the burst commit to be applied', async () => ((r) => (r.last_success?.commit?.sha === head ? r : undefined))(await status('alpha')));
    expect(s.last_success.revision).toBe(before + 1);
    expect(s.last_success.commit.branch).toBe('burst');
    const bulk = await call(server, 'POST', '/v1/evaluate/bulk', { token: alpha, tenant: 'alpha', body: { context: {}, environment: 'production' } });
    expect(bulk.json.revision).toBe(before + 1);
    const burst = (bulk.json.results as { flag_key: string; value: string }[]).filter((r) => /^f\d+$/.test(r.flag_key));
    expect(burst.map((r) => r.value)).toEqual(Array(BURST).fill('v2'));
    const audit = await call(server, 'GET', `/v1/audit?source=git&commit=${head}&limit=50`, { token: alpha, tenant: 'alpha' });
    expect(audit.json.items).toHaveLength(BURST + 1);
    expect(new Set(audit.json.items.map((i: { revision: number }) => i.revision))).toEqual(new Set([before + 1]));
  });

  it('an invalid file keeps the last good state; the failure shows in status, log and metric; readiness stays up', async () => {
    const failuresBefore = await metric(server, /^ff_watch_reconcile_failures_total /);
    const failedBefore = await metric(server, /^ff_watch_reconciles_total\{result="failed"\} /);
    // Every reconcile so far (the first one at start) succeeded, and was counted.
    expect(await metric(server, /^ff_watch_reconciles_total\{result="ok"\} /)).toBeGreaterThan(0);
    write('alpha/flags.yaml', 'version: 1\nflags:\n  - key: banner\n    type: string\n    variants: { a: "A", b: "B"\n    offVariant: a\n');
    const s = await until('alpha to fail', async () => ((r) => (r.state === 'failed' ? r : undefined))(await status('alpha')));
    expect(s.last_attempt.outcome).toBe('invalid');
    expect(s.last_attempt.error_count).toBeGreaterThan(0);
    const error = s.last_attempt.errors[0];
    expect(error.file).toMatch(/alpha\/flags\.yaml$/);
    expect(error.line).toBeGreaterThan(0);
    expect(s.last_success.commit.branch).toBe('burst');
    expect(await metric(server, /^ff_watch_reconcile_failures_total /)).toBeGreaterThan(failuresBefore);
    expect(await metric(server, /^ff_watch_reconciles_total\{result="failed"\} /)).toBeGreaterThan(failedBefore);
    expect(await evaluate('alpha', 'banner')).toMatchObject({ value: 'A', revision: s.last_success.revision });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    // Tenants are independent: bravo's own change still lands while alpha's files are broken.
    write('bravo/flags.yaml', flagsYaml(stringFlag('motd', { hello: 'hello', bye: 'bye' }, 'bye')));
    await until('bravo to apply', async () => ((await evaluate('bravo', 'motd')).value === 'bye' ? true : undefined));
    expect((await status('bravo')).state).toBe('ok');
    expect(JSON.stringify(await status('bravo'))).not.toContain('alpha/flags.yaml');
    expect((await status('alpha')).state).toBe('failed');
  });

  it('fixing the file recovers; an uncommitted edit is recorded as dirty', async () => {
    write('alpha/flags.yaml', flagsYaml(stringFlag('banner', { a: 'A', b: 'B', c: 'C' }, 'c')));
    await until('banner = C', async () => ((await evaluate('alpha', 'banner')).value === 'C' ? true : undefined));
    // The status is recorded once the apply returns; on PostgreSQL the index may
    // already serve the commit (its notification) before that, so wait for it too.
    const s = await until('alpha to recover', async () => ((r) => (r.state === 'ok' ? r : undefined))(await status('alpha')));
    expect(s).toMatchObject({ state: 'ok', consecutive_failures: 0 });
    expect(s.last_success.commit).toMatchObject({ sha: git('rev-parse', 'HEAD'), dirty: true });
  });

  it('stops cleanly; the log (flushed on exit) named the invalid file with its line and column', async () => {
    expect(await server.stop()).toBe(0);
    const failure = server
      .stdout()
      .split('\n')
      .filter((l) => l.includes('the last good state keeps serving'))
      .map((l) => JSON.parse(l) as { tenants: string[]; diagnostics: string[] });
    expect(failure.length).toBeGreaterThanOrEqual(1);
    expect(failure[0]?.tenants).toEqual(['alpha']);
    expect(failure[0]?.diagnostics[0]).toMatch(/alpha\/flags\.yaml:\d+:\d+ error \S+: /);
  });
});
