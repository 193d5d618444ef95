// A real `ff-server serve` (the compiled dist/server/main.js) in its own
// process, as an operator runs it: the live-index figures are about several
// processes sharing one SQLite file.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface ServerProcess {
  name: string;
  url: string;
  pid: number;
  /** Resident set size in bytes (VmRSS). */
  rss(): number;
  stop(): Promise<number | null>;
}

export const BENCH_SECRET = 'bench-live-secret-that-is-at-least-32-bytes';

export async function startServerProcess(root: string, name: string, env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, [path.join(root, 'dist', 'server', 'main.js'), 'serve'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', FF_HOST: '127.0.0.1', FF_PORT: '0', FF_JWT_SECRET: BENCH_SECRET, FF_LOG_LEVEL: 'warn', ...env },
    // The JSON log goes nowhere: the server still writes it, nobody here reads it.
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 120_000;
  let url: string | undefined;
  while ((url = /listening on (http:\/\/\S+)/.exec(err)?.[1]) === undefined) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}): ${err}`);
    if (Date.now() > deadline) throw new Error(`${name} did not start: ${err}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const pid = child.pid as number;
  return {
    name,
    url,
    pid,
    rss: () => {
      const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
      return Number(line?.split(/\s+/)[1] ?? 0) * 1024;
    },
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
