// The launcher's start-up path as `make run` runs it: a real `node
// .../server/main.js serve` child process, from a clean database, seeded
// from the example flags/ folder, stopped with SIGTERM.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transpileDir, transpileTree } from './helpers/transpile.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const seedDir = ['flags', 'test/fixtures/valid'].map((d) => path.join(repo, d)).find((d) => existsSync(d)) as string;

interface Running {
  child: ChildProcessWithoutNullStreams;
  /** The JSON log stream. */
  stdout: () => string;
  /** The human banner. */
  stderr: () => string;
  exited: Promise<number | null>;
}

function launch(main: string, args: string[], env: Record<string, string>): Running {
  const child = spawn(process.execPath, [main, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, cwd: repo });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function waitFor(running: Running, pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = running.stderr().match(pattern) ?? running.stdout().match(pattern);
    if (m) return m;
    if (running.child.exitCode !== null) throw new Error(`server exited (${running.child.exitCode}): ${running.stderr()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; stdout: ${running.stdout()} stderr: ${running.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('server launcher (end to end, child process, clean database)', () => {
  let build: string;
  let work: string;
  let main: string;
  let env: Record<string, string>;

  beforeAll(() => {
    build = transpileDir(repo, 'ff-e2e-');
    transpileTree(repo, ['server', 'core', 'git'], build);
    main = path.join(build, 'server', 'main.js');
    work = mkdtempSync(path.join(tmpdir(), 'ff-e2e-'));
    env = { FF_DEV: '1', FF_PORT: '0', FF_DB_PATH: path.join(work, 'data', 'ff.db'), FF_SEED_DIR: seedDir, FF_LOG_LEVEL: 'info' };
  });
  afterAll(() => {
    rmSync(build, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('serve: creates the database, seeds it, prints a dev token and curl, serves, stops on SIGTERM', async () => {
    const server = launch(main, ['serve'], env);
    try {
      const [, url] = await waitFor(server, /listening on (http:\/\/\S+)/);
      const [, token] = await waitFor(server, /export FF_TOKEN=(\S+)/);
      expect(server.stderr()).toMatch(/Generated JWT secret/);
      expect(server.stderr()).toMatch(/curl -s http:\/\/127\.0\.0\.1:\d+\/v1\/flags -H "Authorization: Bearer \$FF_TOKEN" -H "X-Tenant-ID: [a-z0-9-]+"/);
      expect(existsSync(env.FF_DB_PATH as string)).toBe(true);
      const tenant = server.stderr().match(/X-Tenant-ID: ([a-z0-9-]+)/)?.[1] as string;

      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      const flags = await fetch(`${url}/v1/flags`, { headers: { authorization: `Bearer ${token}`, 'x-tenant-id': tenant } });
      expect(flags.status).toBe(200);
      const body = (await flags.json()) as { items: unknown[] };
      expect(body.items.length).toBeGreaterThan(0);

      // The banner's evaluate example works as printed.
      const example = server.stderr().match(/-d '(\{.*\})'/)?.[1];
      expect(example).toBeDefined();
      const evaluated = await fetch(`${url}/v1/evaluate`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'x-tenant-id': tenant, 'content-type': 'application/json' },
        body: example as string,
      });
      expect(evaluated.status).toBe(200);
      expect(((await evaluated.json()) as { revision: number }).revision).toBeGreaterThan(0);

      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      expect(server.stdout()).toContain('shutting down');
      // Logs are buffered (async pino destination) and flushed on close.
      // stdout is nothing but JSON log lines.
      const lines = server.stdout().split('\n').filter((l) => l !== '');
      for (const l of lines) expect(() => JSON.parse(l), l).not.toThrow();
      const logLine = lines.find((l) => l.includes('"request completed"') && l.includes('/v1/flags'));
      expect(JSON.parse(logLine as string)).toMatchObject({ level: 'info', method: 'GET', status: 200, tenant });
    } finally {
      server.child.kill('SIGKILL');
    }
  });

  it('a restart does not seed again; `seed` reloads through the same path (idempotent)', async () => {
    const db = new Database(env.FF_DB_PATH as string, { readonly: true });
    const seededRows = (db.prepare("SELECT COUNT(*) AS n FROM audit WHERE source = 'seed'").get() as { n: number }).n;
    db.close();
    expect(seededRows).toBeGreaterThan(0);

    const again = launch(main, ['serve'], { ...env, FF_JWT_SECRET: 'e2e-secret-that-is-at-least-32-bytes-long' });
    try {
      await waitFor(again, /listening on/);
      expect(again.stderr()).not.toMatch(/loaded \d+ tenant/);
      expect(again.stderr()).not.toMatch(/Generated JWT secret/);
      again.child.kill('SIGINT');
      expect(await again.exited).toBe(0);
    } finally {
      again.child.kill('SIGKILL');
    }

    // Outside dev mode and without a JWT secret: seed never verifies tokens.
    const { FF_DEV: _dev, ...seedEnv } = env;
    const seed = spawnSync(process.execPath, [main, 'seed'], { env: { PATH: process.env.PATH ?? '', ...seedEnv }, cwd: repo, encoding: 'utf8' });
    expect(seed.status, seed.stderr).toBe(0);
    expect(seed.stdout).toMatch(/: 0 change\(s\), revision \d+/);
    const after = new Database(env.FF_DB_PATH as string, { readonly: true });
    expect((after.prepare("SELECT COUNT(*) AS n FROM audit WHERE source = 'seed'").get() as { n: number }).n).toBe(seededRows);
    after.close();
  });

  it('refuses to start outside dev mode without a 32-byte secret', () => {
    const r = spawnSync(process.execPath, [main, 'serve'], {
      env: { PATH: process.env.PATH ?? '', FF_DB_PATH: path.join(work, 'other.db'), FF_JWT_SECRET: 'short' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/configuration error: FF_JWT_SECRET must be at least 32 bytes/);
  });
});
