// `serve --workers N` as an operator runs it: a real primary and real worker
// processes on one port, one database (a SQLite file, or PostgreSQL), stopped with SIGTERM. What must
// hold: one first-start seed (not one per worker), one banner, every worker
// answering, a write through one worker reaching the others' in-memory
// indexes, every worker's usage counts flushed at shutdown and added up, and a
// clean shutdown of the whole tree.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { openStore } from '../../server/db/open-store.js';
import { createTestDatabase, storeMatrix } from '../support/postgres.js';
import { transpileDir, transpileTree } from './helpers/transpile.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const seedDir = path.join(repo, 'flags');

interface Running {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
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

async function waitFor(running: Running, pattern: RegExp, timeoutMs = 60_000): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = running.stderr().match(pattern);
    if (m) return m;
    if (running.child.exitCode !== null) throw new Error(`server exited (${running.child.exitCode}): ${running.stderr()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; stderr: ${running.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The live child processes of `pid` (the workers), from /proc. */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((e) => {
      try {
        const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** One request on a connection of its own, so node:cluster hands each to the next worker in turn. */
function post(url: string, pathname: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${pathname}`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('serve --workers (end to end, real processes)', () => {
  let build: string;
  let work: string;
  let main: string;
  let env: Record<string, string>;

  beforeAll(() => {
    build = transpileDir(repo, 'ff-cluster-e2e-');
    transpileTree(repo, ['server', 'core', 'git'], build);
    main = path.join(build, 'server', 'main.js');
    work = mkdtempSync(path.join(tmpdir(), 'ff-cluster-e2e-'));
    // No periodic usage flush during the test: what the database holds at the end came from each worker's shutdown flush.
    env = { FF_DEV: '1', FF_PORT: '0', FF_DB_PATH: path.join(work, 'data', 'ff.db'), FF_SEED_DIR: seedDir, FF_LOG_LEVEL: 'info', FF_WATCH_DB_CHECK_MS: '200', FF_USAGE_FLUSH_MS: '600000' };
  });
  afterAll(() => {
    rmSync(build, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it.each(storeMatrix())('on the $store store, two workers on one port: seeded once, one banner, a key made through one worker works on every worker, SIGTERM stops all', async ({ store }) => {
    const database = store === 'postgres' ? await createTestDatabase() : undefined;
    const dbPath = path.join(work, 'data', `${store}.db`);
    const storeEnv = { ...env, ...(database ? { FF_DATABASE_URL: database.url } : { FF_DB_PATH: dbPath }) };
    const server = launch(main, ['serve', '--workers', '2'], storeEnv);
    let workers: number[] = [];
    try {
      const [, url] = await waitFor(server, /listening on (http:\/\/\S+)/);
      const [, token] = await waitFor(server, /export FF_TOKEN=(\S+)/);
      await waitFor(server, /2 worker processes on this port/);
      expect(server.stderr().match(/listening on/g)).toHaveLength(1);
      workers = childrenOf(server.child.pid as number);
      expect(workers).toHaveLength(2);

      // The dev token (one secret shared by the workers) works on every connection.
      for (let i = 0; i < 6; i++) {
        const res = await post(url as string, '/v1/evaluate', { authorization: `Bearer ${token}`, 'x-tenant-id': 'acme' }, JSON.stringify({ flag_key: 'new-checkout', environment: 'production', context: { targetingKey: `u${i}` } }));
        expect(res.status, res.body).toBe(200);
      }

      // A write through one worker: the API key must reach the other worker's index.
      const created = await post(url as string, '/v1/api-keys', { authorization: `Bearer ${token}`, 'x-tenant-id': 'acme' }, JSON.stringify({ name: 'cluster test', environment: 'production' }));
      expect(created.status, created.body).toBe(201);
      const key = (JSON.parse(created.body) as { key: string }).key;
      const evaluateWithKey = () =>
        post(url as string, '/v1/evaluate', { 'x-api-key': key }, JSON.stringify({ flag_key: 'new-checkout', context: { targetingKey: 'u1' } }));
      // Until the watcher delivered it everywhere, some connections may land on a worker that has not seen it yet.
      const deadline = Date.now() + 30_000;
      let streak = 0;
      let evaluated = 6;
      while (streak < 6) {
        const res = await evaluateWithKey();
        streak = res.status === 200 ? streak + 1 : 0;
        if (res.status === 200) evaluated++;
        if (Date.now() > deadline) throw new Error(`the key did not reach every worker: last answer ${res.status} ${res.body}`);
      }
      // A wrong key is refused by every worker.
      for (let i = 0; i < 4; i++) {
        const res = await post(url as string, '/v1/evaluate', { 'x-api-key': `${key.slice(0, -4)}AAAA` }, JSON.stringify({ flag_key: 'new-checkout' }));
        expect(res.status).toBe(401);
      }

      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      for (const pid of workers) expect(existsSync(`/proc/${pid}`)).toBe(false);
      const lines = server.stdout().split('\n').filter((l) => l !== '');
      for (const l of lines) expect(() => JSON.parse(l), l).not.toThrow();
      // The first start seeded once, in the primary, not once per worker.
      expect(lines.filter((l) => l.includes('"first start: loaded the seed directory"'))).toHaveLength(1);
      expect(lines.filter((l) => l.includes('"shutting down"'))).toHaveLength(2);
      // Each worker counted what it served and added it at shutdown: the sum is every evaluation answered.
      const opened = openStore({ databaseUrl: database?.url ?? null, dbPath }, pino({ level: 'silent' }));
      try {
        await opened.ready();
        const rows = await opened.stores.usage.summary('acme', '2000-01-01');
        expect(rows.find((r) => r.flag === 'new-checkout' && r.environment === 'production')?.count).toBe(evaluated);
      } finally {
        await opened.close();
      }
    } finally {
      server.child.kill('SIGKILL');
      for (const pid of workers) if (existsSync(`/proc/${pid}`)) process.kill(pid, 'SIGKILL');
      await database?.drop();
    }
  }, 120_000);

  it('refuses a bad --workers value and workers that could not follow each other (FF_WATCH_DB=0)', () => {
    const run = (args: string[], extra: Record<string, string> = {}) =>
      spawnSync(process.execPath, [main, ...args], { env: { PATH: process.env.PATH ?? '', ...env, FF_DB_PATH: path.join(work, 'refused.db'), ...extra }, encoding: 'utf8' });
    for (const bad of ['0', 'two', '1.5', '65']) {
      const r = run(['serve', '--workers', bad]);
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/configuration error: --workers must be a whole number from 1 to 64/);
    }
    const r = run(['serve', '--workers', '2'], { FF_WATCH_DB: '0' });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/configuration error: --workers needs FF_WATCH_DB on/);
  });
});
