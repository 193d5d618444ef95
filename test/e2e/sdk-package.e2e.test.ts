// The installable SDK as an application gets it: `npm pack ./sdk`, installed
// with --offline into an empty project (beside the stock OpenFeature server
// SDK, packed from this repository's node_modules — the provider's peer),
// then an application in that project: offline from a flags folder, and live
// against a real server while `ff apply` (the built binary, from a real Git
// repository) changes a flag — the application, another process, sees the new
// revision, waited for by its event with a deadline.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRepository } from '../../core/repo/index.js';
import { ffAgainst, startGitopsServer, tenantFiles, type GitopsServer } from '../cli/support/ff-server.js';
import { createGitRepo } from '../cli/support/git-repo.js';
import { ROOT } from '../cli/support/run-ff.js';
import { SMALL_REPO, tempDir, type TempDir } from '../cli/support/temp-repo.js';

const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

let tmp: TempDir;
let server: GitopsServer;
let project: string;
let packed: { filename: string; files: { path: string }[] };
const children: ChildProcess[] = [];

// The application: prints one JSON line per event of the client and of the OpenFeature provider.
const APP = `
import { FfClient } from '@ff/sdk';
import { FfProvider } from '@ff/sdk/openfeature';
import { OpenFeature, ProviderEvents } from '@openfeature/server-sdk';

const print = (line) => process.stdout.write(JSON.stringify(line) + '\\n');
const ctx = { targetingKey: 'user-1', plan: 'free' };
const client = new FfClient({ server: process.env.FF_SERVER, apiKey: process.env.FF_API_KEY, reconnect: { initialDelayMs: 50, maxDelayMs: 500 } });
client.on('ready', (e) => print({ from: 'client', event: 'ready', revision: e.revision, value: client.value('banner', 'none', ctx) }));
client.on('change', (e) => print({ from: 'client', event: 'change', revision: e.revision, changed: e.changed, value: client.value('banner', 'none', ctx) }));

await OpenFeature.setProviderAndWait(new FfProvider({ server: process.env.FF_SERVER, apiKey: process.env.FF_API_KEY }));
const of = OpenFeature.getClient();
const details = await of.getStringDetails('banner', 'none', ctx);
print({ from: 'openfeature', event: 'ready', value: details.value, reason: details.reason, revision: details.flagMetadata.revision });
of.addHandler(ProviderEvents.ConfigurationChanged, async (e) => {
  const d = await of.getStringDetails('banner', 'none', ctx);
  print({ from: 'openfeature', event: 'change', changed: e.flagsChanged, value: d.value, revision: d.flagMetadata.revision });
});
`;

const OFFLINE = `
import { FfClient } from '@ff/sdk';
const client = new FfClient({ bootstrap: { flagsDir: process.argv[2], tenant: 'pkg', environment: 'prod' } });
await client.ready(10000);
process.stdout.write(JSON.stringify({ status: client.status, vip: client.details('banner', 'none', { targetingKey: 'vip-1' }), other: client.value('banner', 'none', { targetingKey: 'x' }) }));
`;

/** Runs `script` with node in the project; resolves the JSON lines as they come. */
function runApp(script: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [script], { cwd: project, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  let buffer = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    buffer += d;
    for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
      const line = buffer.slice(0, i);
      lines.push(line.startsWith('{') ? (JSON.parse(line) as Record<string, unknown>) : { text: line });
      buffer = buffer.slice(i + 1);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  /** The first line matching, or an error after `timeoutMs`; a line arrives only by the app's own event. */
  const waitFor = (what: string, match: (line: Record<string, unknown>) => boolean, timeoutMs = 20_000) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`timed out waiting for ${what}; lines ${JSON.stringify(lines)}; stderr ${stderr}`)), timeoutMs);
      const check = () => {
        const found = lines.find(match);
        if (found !== undefined) {
          clearTimeout(deadline);
          resolve(found);
        } else if (child.exitCode !== null) {
          clearTimeout(deadline);
          reject(new Error(`the app exited ${child.exitCode}: ${stderr}`));
        } else setTimeout(check, 10);
      };
      check();
    });
  return { child, lines, waitFor, stderr: () => stderr };
}

beforeAll(async () => {
  tmp = await tempDir('ff-sdk-package-');
  const npm = (args: string[], cwd: string) =>
    execFileSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_cache: join(tmp.path, 'npm-cache') } });
  const pack = (dir: string) => (JSON.parse(npm(['pack', dir, '--ignore-scripts', '--pack-destination', tmp.path, '--json'], tmp.path)) as (typeof packed)[])[0]!;
  packed = pack(join(ROOT, 'sdk'));
  const openfeature = [pack(join(ROOT, 'node_modules/@openfeature/core')), pack(join(ROOT, 'node_modules/@openfeature/server-sdk'))];
  project = join(tmp.path, 'consumer');
  execFileSync('mkdir', ['-p', project]);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
  // --offline: nothing may come from a registry.
  npm(['install', '--offline', '--no-audit', '--no-fund', ...[packed, ...openfeature].map((p) => join(tmp.path, p.filename))], project);
  writeFileSync(join(project, 'app.mjs'), APP);
  writeFileSync(join(project, 'offline.mjs'), OFFLINE);
  copyFileSync(join(ROOT, 'sdk/examples/checkout-app.mjs'), join(project, 'checkout-app.mjs'));
  server = await startGitopsServer((await loadRepository(join(ROOT, 'flags'))).tenants);
}, 180_000);
afterAll(async () => {
  for (const c of children) c.kill();
  await server?.close();
  await tmp?.remove();
});

describe('the @ff/sdk package', () => {
  it('holds the bundle and nothing else, and installs without dependencies', () => {
    const files = packed.files.map((f) => f.path).sort();
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/openfeature.js');
    expect(files.every((f) => f === 'package.json' || f.startsWith('dist/'))).toBe(true);
    expect(files.some((f) => (f.endsWith('.ts') && !f.endsWith('.d.ts')) || f.endsWith('.map') || f.includes('meta.json'))).toBe(false);
    // Declarations for the two entry points and what they reach, none of the server's.
    expect(files).toContain('dist/types/sdk/src/index.d.ts');
    expect(files).toContain('dist/types/sdk/src/openfeature.d.ts');
    expect(files.filter((f) => f.startsWith('dist/types/server') || f.startsWith('dist/types/cli'))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules/@ff/sdk/package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest.dependencies).toBeUndefined();
    expect(manifest.version).toBe(version);
    // Only what was installed on purpose: the SDK and OpenFeature's two packages.
    expect(readdirSync(join(project, 'node_modules')).filter((n) => !n.startsWith('.')).sort()).toEqual(['@ff', '@openfeature']);
    expect(readdirSync(join(project, 'node_modules/@ff'))).toEqual(['sdk']);
  });

  it('evaluates offline from a flags folder, validated by the same loader', async () => {
    const repo = await createGitRepo(join(tmp.path, 'offline-repo'));
    await repo.write(tenantFiles(SMALL_REPO, 'pkg'));
    const out = JSON.parse(execFileSync(process.execPath, ['offline.mjs', join(repo.path, 'flags')], { cwd: project, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } })) as {
      status: string;
      vip: { value: string; reason: string };
      other: string;
    };
    expect(out.status).toBe('READY');
    expect(out.vip).toMatchObject({ value: 'green', reason: 'TARGETING_MATCH' });
    expect(out.other).toBe('blue');
  });

  it('sees `ff apply` in another process: the client and the OpenFeature provider each report the new revision', async () => {
    const repo = await createGitRepo(join(tmp.path, 'live-repo'), 'git@github.com:acme/flags.git');
    await repo.write(tenantFiles(SMALL_REPO, 'live'));
    repo.commit('Add the banner flag');
    const token = await server.token(['live'], 'ci');
    const ff = ffAgainst(server.url, token);
    const dir = join(repo.path, 'flags');
    expect((await ff(['apply', dir, '--tenant', 'live', '--auto-approve'])).code).toBe(0);
    const created = await server.server.call('POST', '/v1/api-keys', { token, tenant: 'live', body: { name: 'app', environment: 'prod' } });
    expect(created.status).toBe(201);

    const app = runApp('app.mjs', { FF_SERVER: server.url, FF_API_KEY: created.json.key as string });
    expect(await app.waitFor('the client ready', (l) => l.from === 'client' && l.event === 'ready')).toMatchObject({ revision: 1, value: 'blue' });
    expect(await app.waitFor('the provider ready', (l) => l.from === 'openfeature' && l.event === 'ready')).toMatchObject({ value: 'blue', reason: 'DEFAULT', revision: 1 });

    const file = join(dir, 'live', 'flags.yaml');
    const content = readFileSync(file, 'utf8');
    expect(content).toContain('        default:\n          variant: blue');
    await repo.write({ 'flags/live/flags.yaml': content.replace('        default:\n          variant: blue', '        default:\n          variant: green') });
    repo.commit('Serve green by default');
    const apply = await ff(['apply', dir, '--tenant', 'live', '--auto-approve']);
    expect(apply.stdout).toContain('revision 1 → 2');

    expect(await app.waitFor('the client change', (l) => l.from === 'client' && l.event === 'change')).toEqual({
      from: 'client',
      event: 'change',
      revision: 2,
      changed: ['banner'],
      value: 'green',
    });
    expect(await app.waitFor('the provider change', (l) => l.from === 'openfeature' && l.event === 'change')).toEqual({
      from: 'openfeature',
      event: 'change',
      changed: ['banner'],
      value: 'green',
      revision: 2,
    });
    expect(app.stderr()).toBe('');
  });

  it('runs the example application of docs/sdk.md, answering as the server does', async () => {
    const token = await server.token(['acme'], 'ci');
    const created = await server.server.call('POST', '/v1/api-keys', { token, tenant: 'acme', body: { name: 'example', environment: 'production' } });
    const apiKey = created.json.key as string;
    const app = runApp('checkout-app.mjs', { FF_SERVER: server.url, FF_API_KEY: apiKey, PORT: '0', FF_CACHE: join(tmp.path, 'example-cache.json') });
    const listening = await app.waitFor('the example to listen', (l) => typeof l.text === 'string' && l.text.startsWith('listening on '));
    const base = (listening.text as string).slice('listening on '.length);
    for (const [user, plan] of [['user-42', 'free'], ['qa-alice', 'enterprise'], ['user-complained-about-redesign', 'pro']] as const) {
      const page = (await (await fetch(`${base}/?user=${user}&plan=${plan}`)).json()) as { checkout: string; reason: string; revision: number };
      const wire = (await server.server.call('POST', '/v1/evaluate', { apiKey, tenant: null, body: { flag_key: 'new-checkout', context: { targetingKey: user, plan } } })).json;
      expect(page).toEqual({ checkout: wire.value ? 'new' : 'classic', reason: wire.reason, revision: wire.revision });
    }
    app.child.kill('SIGTERM');
    expect(await new Promise((resolve) => app.child.on('close', resolve))).toBe(0);
    expect(app.stderr()).toBe('');
  });

  it('ships type declarations: a TypeScript application type-checks against them, and a wrong use does not', () => {
    const tsc = (file: string) => {
      writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, types: [] },
        files: [file],
      }));
      try {
        execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(project, 'tsconfig.json')], { cwd: project, encoding: 'utf8' });
        return '';
      } catch (error) {
        return String((error as { stdout?: string }).stdout);
      }
    };
    writeFileSync(join(project, 'typed.ts'), [
      "import { FfClient, type Details, type ClientStatus } from '@ff/sdk';",
      "import { FfProvider } from '@ff/sdk/openfeature';",
      "const client = new FfClient({ server: 'http://localhost:8000', apiKey: 'k', persistPath: 'ff.json' });",
      "const on: boolean = client.value('new-checkout', false, { targetingKey: 'u' });",
      "const details: Details<string> = client.details('banner', 'none');",
      "const status: ClientStatus = client.status;",
      "client.on('change', (e) => e.changed.join(','));",
      'new FfProvider(client);',
      'export { on, details, status };',
    ].join('\n'));
    expect(tsc('typed.ts')).toBe('');
    writeFileSync(join(project, 'wrong.ts'), [
      "import { FfClient } from '@ff/sdk';",
      "const client = new FfClient({ bootstrap: { file: 'ff.json' } });",
      "export const n: string = client.value('max', 10);",
      "client.on('change', (e) => e.nope);",
    ].join('\n'));
    const errors = tsc('wrong.ts');
    expect(errors).toMatch(/wrong\.ts\(3,14\): error TS2322/);
    expect(errors).toMatch(/wrong\.ts\(4,30\): error TS2339/);
  });
});
