// The throwaway server itself: it runs as an unprivileged user when we are
// root, serves over TCP, stops cleanly, and a server orphaned by a run killed
// too hard to stop it is found and stopped by the next run.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { reapOrphans, startEmbeddedPostgres } from './embedded-postgres.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const postmasterPid = (dir: string) => Number.parseInt(readFileSync(path.join(dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0] ?? '', 10);

describe('embedded PostgreSQL for tests', () => {
  it('leaves a failing exit code alone: a test run with failures must not exit 0', () => {
    // The built module (the benchmarks use it too), in a process that fails
    // the way vitest does: exitCode set, then the event loop runs dry.
    const built = path.resolve('dist/test/support/embedded-postgres.js');
    const script = `const m = await import(${JSON.stringify(built)}); await m.loadEmbeddedPostgres(); process.exitCode = 1;`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(1);
  });

  it('runs as a non-root user with a data directory that user owns, and stops without leftovers', async () => {
    const server = await startEmbeddedPostgres();
    let pid = 0;
    try {
      pid = postmasterPid(server.dir);
      expect(alive(pid)).toBe(true);
      const owner = statSync(path.join(server.dir, 'data')).uid;
      const processUid = statSync(`/proc/${pid}`).uid;
      expect(processUid).toBe(owner);
      if (process.getuid?.() === 0) expect(processUid).not.toBe(0);
      const client = new pg.Client({ connectionString: server.adminUrl });
      await client.connect();
      const { rows } = await client.query<{ v: string }>("SELECT current_setting('server_version') AS v");
      await client.end();
      expect(rows[0]?.v).toMatch(/^\d+/);
    } finally {
      await server.stop();
    }
    expect(alive(pid)).toBe(false);
    expect(existsSync(server.dir)).toBe(false);
  });

  it('a server whose test run died is stopped and removed by the next run', async () => {
    const server = await startEmbeddedPostgres();
    const pid = postmasterPid(server.dir);
    try {
      // Pretend the run that started it was killed: its owner is a finished process.
      const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
      writeFileSync(path.join(server.dir, 'owner.pid'), gone.stdout);
      expect(reapOrphans()).toBeGreaterThanOrEqual(1);
      await expect.poll(() => alive(pid), { timeout: 20_000 }).toBe(false);
      expect(existsSync(server.dir)).toBe(false);
    } finally {
      await server.stop().catch(() => undefined);
    }
  });

  it('leaves a live run’s server alone', async () => {
    const server = await startEmbeddedPostgres();
    try {
      reapOrphans();
      expect(alive(postmasterPid(server.dir))).toBe(true);
    } finally {
      await server.stop();
    }
  });
});
