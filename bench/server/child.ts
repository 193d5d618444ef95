// A server under test runs in its own Node process, so the load generator
// (autocannon, in the harness process) never shares an event loop with it: on
// a 2-core machine each gets a core. stdout (the server's JSON log lines) goes
// to /dev/null — the server still pays for producing and writing them, as it
// would in production, but nobody here spends CPU reading them.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface ServerChild {
  name: string;
  pid: number;
  url: string;
  /** Everything the child wrote on stderr so far (banners, errors). */
  stderr(): string;
  /** Resident set size in bytes, from /proc/<pid>/status (VmRSS). */
  rss(): number;
  /** CPU time (user + system) the process and its child processes (cluster workers) have used so far, in seconds, from /proc. */
  cpuSeconds(): number;
  /** SIGTERM, then wait for the exit (the server flushes and, with --cpu-prof, writes its profile). */
  stop(): Promise<number | null>;
}

export interface LaunchOptions {
  name: string;
  script: string;
  args?: string[];
  env?: Record<string, string>;
  /** Extra Node flags, e.g. ['--cpu-prof', '--cpu-prof-dir=…']. */
  nodeFlags?: string[];
  cwd?: string;
  timeoutMs?: number;
}

const LISTENING = /listening on (http:\/\/\S+)/;

/** Starts `node [flags] script [args]` and resolves once it prints "listening on <url>" on stderr. */
export async function launchServer(opts: LaunchOptions): Promise<ServerChild> {
  const child = spawn(process.execPath, [...(opts.nodeFlags ?? []), opts.script, ...(opts.args ?? [])], {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH ?? '', ...opts.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await waitForUrl(child, () => err, opts.timeoutMs ?? 30_000);
  const pid = child.pid as number;
  return {
    name: opts.name,
    pid,
    url,
    stderr: () => err,
    rss: () => [pid, ...childPids(pid)].reduce((sum, p) => sum + rssOf(p), 0),
    cpuSeconds: () => [pid, ...childPids(pid)].reduce((sum, p) => sum + cpuSecondsOf(p), 0),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

async function waitForUrl(child: ChildProcess, stderr: () => string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = LISTENING.exec(stderr());
    if (m) return m[1] as string;
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}) before listening:\n${stderr()}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not listen within ${timeoutMs} ms:\n${stderr()}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The live children of `pid` (cluster workers), from every /proc/<pid>/stat's parent field. */
export function childPids(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 4 (ppid) is the second after the parenthesised command name.
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) children.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return children;
}

export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  if (kib === undefined) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kib) * 1024;
}

/** Linux reports utime and stime in clock ticks: USER_HZ, 100 on every mainstream kernel. */
const TICKS_PER_SECOND = 100;

export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which is in parentheses and may hold spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}
