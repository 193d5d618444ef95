// The installable CLI as a user gets it: `npm pack ./cli` (what `make cli-pack`
// runs), installed into an empty project with nothing but Node and npm, then
// `ff --version`, `ff validate` and `ff plan` against a real server — from
// that project, never from this repository's node_modules.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitopsServer, tenantFiles, type GitopsServer } from '../cli/support/ff-server.js';
import { createGitRepo } from '../cli/support/git-repo.js';
import { ROOT } from '../cli/support/run-ff.js';
import { SMALL_REPO, tempDir, type TempDir } from '../cli/support/temp-repo.js';

const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

let tmp: TempDir;
let server: GitopsServer;
let project: string;
let packed: { filename: string; files: { path: string }[] };

/**
 * Runs the installed `ff` (node_modules/.bin/ff) in `cwd`. Asynchronously: the
 * server it talks to runs in this process and must keep answering meanwhile.
 */
function installedFf(args: string[], cwd: string, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(project, 'node_modules/.bin/ff'), args, {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: tmp.path, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  tmp = await tempDir('ff-cli-package-');
  const npm = (args: string[], cwd: string) =>
    execFileSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_cache: join(tmp.path, 'npm-cache') } });
  const [first] = JSON.parse(npm(['pack', join(ROOT, 'cli'), '--pack-destination', tmp.path, '--json'], tmp.path)) as (typeof packed)[];
  if (first === undefined) throw new Error('npm pack printed no package');
  packed = first;
  project = join(tmp.path, 'consumer');
  execFileSync('mkdir', ['-p', project]);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  // --offline: the package must need nothing from a registry.
  npm(['install', '--offline', '--no-audit', '--no-fund', join(tmp.path, packed.filename)], project);
  server = await startGitopsServer();
}, 180_000);
afterAll(async () => {
  await server?.close();
  await tmp?.remove();
});

describe('the @ff/cli package', () => {
  it('holds the bundle and nothing else', () => {
    const files = packed.files.map((f) => f.path).sort();
    expect(files).toContain('package.json');
    expect(files).toContain('dist/ff.cjs');
    expect(files).toContain('dist/bundle.cjs');
    expect(files.every((f) => f === 'package.json' || f.startsWith('dist/'))).toBe(true);
    expect(files.some((f) => f.endsWith('.ts') || f.endsWith('.map') || f.includes('meta.json'))).toBe(false);
  });

  it('installs without dependencies: no server module reaches the project', () => {
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules/@ff/cli/package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest.dependencies).toBeUndefined();
    expect(manifest.version).toBe(version);
    const installed = readdirSync(join(project, 'node_modules')).filter((name) => !name.startsWith('.'));
    expect(installed).toEqual(['@ff']);
    expect(readdirSync(join(project, 'node_modules/@ff'))).toEqual(['cli']);
  });

  it('ff --version names the package and its version', async () => {
    const r = await installedFf(['--version'], project);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^@ff/cli/${version.replace(/\./g, '\\.')} `));
  });

  it("keeps V8's compilation of each command in the user's cache, and starts the same without or with a bad one", async () => {
    const home = join(tmp.path, 'cache-home');
    execFileSync('mkdir', ['-p', home]);
    const dir = join(home, '.cache/ff/compile-cache');
    const cacheOf = (command: string) => readdirSync(dir).filter((f) => f.endsWith(`-${process.version}-${process.arch}-${command}.v8`));

    expect((await installedFf(['validate', join(ROOT, 'flags')], project, { HOME: home })).code).toBe(0);
    const [file] = cacheOf('validate');
    expect(file).toBeDefined();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const path = join(dir, file!);
    const written = readFileSync(path);
    const writtenAt = statSync(path).mtimeMs;
    expect(written.length).toBeGreaterThan(100_000);

    // A cache V8 accepts is used as it is, not written again.
    const again = await installedFf(['validate', join(ROOT, 'flags')], project, { HOME: home });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/No problems found/);
    expect(statSync(path).mtimeMs).toBe(writtenAt);

    // A damaged cache is refused by V8: same answer, and a good cache replaces it.
    writeFileSync(path, Buffer.alloc(written.length, 7));
    const damaged = await installedFf(['validate', join(ROOT, 'flags')], project, { HOME: home });
    expect([damaged.code, damaged.stderr]).toEqual([0, '']);
    expect(damaged.stdout).toBe(again.stdout);
    expect(readFileSync(path).equals(Buffer.alloc(written.length, 7))).toBe(false);

    // Bytecode is code: a cache directory others may write into is neither read nor written.
    chmodSync(dir, 0o777);
    writeFileSync(path, Buffer.alloc(16, 1));
    const shared = await installedFf(['validate', join(ROOT, 'flags')], project, { HOME: home });
    expect(shared.code).toBe(0);
    expect(readFileSync(path).equals(Buffer.alloc(16, 1))).toBe(true);
    chmodSync(dir, 0o700);

    // Switched off: nothing written.
    const off = join(tmp.path, 'cache-off');
    execFileSync('mkdir', ['-p', off]);
    expect((await installedFf(['--version'], project, { HOME: off, FF_COMPILE_CACHE: '0' })).code).toBe(0);
    expect(existsSync(join(off, '.cache'))).toBe(false);
  });

  it('ff validate and ff plan work in a flags repository against a real server', async () => {
    const repo = await createGitRepo(join(tmp.path, 'flags-repo'), 'git@github.com:acme/flags.git');
    await repo.write(tenantFiles(SMALL_REPO, 'pkg'));
    repo.commit('Add the banner flag');

    const valid = await installedFf(['validate', 'flags'], repo.path);
    expect(valid.code).toBe(0);
    expect(valid.stdout).toMatch(/No problems found in \d+ files \(1 tenant\)/);

    await repo.write({ 'flags/pkg/broken.yaml': 'version: 1\nflags:\n  - key: oops\n' });
    const invalid = await installedFf(['validate', 'flags', '--format', 'github'], repo.path);
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toMatch(/^::error file=flags\/pkg\/broken\.yaml,line=3,col=\d+/m);
    await repo.remove('flags/pkg/broken.yaml');

    const token = await server.token(['pkg'], 'ci', ['plan']);
    const plan = await installedFf(['plan', 'flags', '--tenant', 'pkg', '--detailed-exitcode'], repo.path, { FF_SERVER: server.url, FF_TOKEN: token });
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(2);
    expect(plan.stdout).toMatch(/\+ create flag banner/);
  });

  it('the lifecycle commands work from the bundle: lint (Git history), refs, promote, codeowners', async () => {
    const repo = await createGitRepo(join(tmp.path, 'lifecycle-repo'));
    await repo.write({ ...tenantFiles(SMALL_REPO, 'pkg'), 'src/app.ts': "client.getStringValue('banner', 'blue');\n" });
    repo.commit('Add the banner flag');

    const lint = await installedFf(['lint', 'flags', '--format', 'json'], repo.path);
    expect(lint.code).toBe(0);
    expect(JSON.parse(lint.stdout)).toMatchObject({ version: 1, history: true, findings: [{ code: 'LINT_OWNER_MISSING', flag: 'banner' }] });

    const refs = await installedFf(['refs', 'src', '--json'], repo.path);
    expect(refs.code).toBe(0);
    expect(JSON.parse(refs.stdout).references).toMatchObject([{ file: 'src/app.ts', line: 1, flag: 'banner' }]);

    const promote = await installedFf(['promote', 'banner', '--from', 'prod', '--to', 'dev', '--dry-run'], repo.path);
    expect(promote.code).toBe(0);
    expect(promote.stdout).toMatch(/^\+\s+dev:$/m);

    const owners = await installedFf(['codeowners', 'flags', '--stdout'], repo.path);
    expect(owners.code).toBe(0);
    expect(owners.stdout).toContain('# BEGIN ff codeowners');
  });

  it('ff refs spreads a large tree over worker threads from the bundle too, and finds every reference', async () => {
    const tree = join(tmp.path, 'refs-tree');
    execFileSync(process.execPath, ['scripts/gen-refs-tree.mjs', '--out', tree, '--files', '12000', '--flags', '30', '--seed', '3', '--ignored', '20'], { cwd: ROOT });
    const expected = (JSON.parse(readFileSync(join(tree, 'expected.json'), 'utf8')) as { references: number }).references;
    const r = await installedFf(['refs', 'src', '--dir', 'flags', '--json'], tree);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { summary: { references: number; threads: number } };
    expect(report.summary.references).toBe(expected);
    expect(report.summary.threads).toBe(Math.min(availableParallelism(), 2));
  });
});
