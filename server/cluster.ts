// `serve --workers N`: N server processes on one port through node:cluster.
// The primary opens and migrates the database, loads the seed directory on a
// first start (once, not N times), forks the workers and relays signals; it
// serves nothing itself. Each worker is the ordinary one-process server:
// its own in-memory index, kept coherent with the others by the database
// watcher that already follows commits made by other processes (a write
// through one worker reaches the others within the watcher's latency). In
// watch mode only the first worker reconciles the directory; the others
// follow through the database like any other process.
import cluster, { type Worker } from 'node:cluster';
import type { ServerConfig } from './config.js';
import { ConfigError } from './config.js';

/** Set by the primary in each worker's environment. */
const WORKER_INDEX = 'FF_CLUSTER_WORKER_INDEX';
const GENERATED_SECRET = 'FF_CLUSTER_GENERATED_SECRET';

export const MAX_WORKERS = 64;

/** `--workers` as given on the command line: a whole number 1–64. */
export function parseWorkers(value: string | undefined): number {
  if (value === undefined) return 1;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > MAX_WORKERS) throw new ConfigError(`--workers must be a whole number from 1 to ${MAX_WORKERS}, not ${JSON.stringify(value)}`);
  return n;
}

export const isClusterWorker = (): boolean => cluster.isWorker && process.env[WORKER_INDEX] !== undefined;

/** A worker's environment adjustments: only worker 0 reconciles a watched directory. */
export function workerEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return env[WORKER_INDEX] === '0' ? env : { ...env, FF_WATCH_DIR: '' };
}

/** A worker's configuration, as the primary's: the dev-mode secret the primary generated is shared, not regenerated. */
export function workerConfig(config: ServerConfig): ServerConfig {
  return process.env[GENERATED_SECRET] === '1' ? { ...config, jwtSecretGenerated: true } : config;
}

/** What a worker tells the primary once it listens. */
interface ListeningMessage {
  type: 'ff:listening';
  url: string;
  banner: string;
}

export function reportListening(url: string, banner: string): void {
  process.send?.({ type: 'ff:listening', url, banner } satisfies ListeningMessage);
}

const isListening = (m: unknown): m is ListeningMessage => (m as { type?: unknown } | null)?.type === 'ff:listening';

export interface ClusterOptions {
  config: ServerConfig;
  workers: number;
  /** Runs once in the primary before any worker starts (the first-start seed). */
  prepare: () => Promise<void>;
  /** Human-readable lines (the banner) — stderr in the launcher. */
  print: (text: string) => void;
  /** Structured events (worker exits, restarts): the primary's JSON log. */
  log: (level: 'info' | 'error', fields: Record<string, unknown>, message: string) => void;
  /** How long a crashed worker waits before it is replaced (default 1 s). */
  restartDelayMs?: number;
}

/**
 * Runs the primary: resolves once every worker listens (the banner printed),
 * and exits the process when the workers are gone after SIGTERM/SIGINT, or
 * with status 1 if a worker fails before it listens (a port in use, a bad
 * database: every worker would fail the same way).
 */
export async function runPrimary(opts: ClusterOptions): Promise<void> {
  const { config, workers } = opts;
  if (!config.watchDb) {
    throw new ConfigError('--workers needs FF_WATCH_DB on: each worker follows the others\u2019 commits through the database watcher');
  }
  await opts.prepare();
  const env: Record<string, string> = {};
  // Dev mode without FF_JWT_SECRET: one generated secret for every worker, so a token from any of them works on all.
  if (config.jwtSecretGenerated) Object.assign(env, { FF_JWT_SECRET: config.jwtSecret, [GENERATED_SECRET]: '1' });

  let stopping = false;
  let started = false;
  const byIndex = new Map<number, Worker>();
  const fork = (index: number): Worker => {
    const worker = cluster.fork({ ...env, [WORKER_INDEX]: String(index) });
    byIndex.set(index, worker);
    worker.on('exit', (code, signal) => {
      if (byIndex.get(index) === worker) byIndex.delete(index);
      if (stopping) {
        // A worker whose shutdown failed makes the whole server's exit status 1.
        if (code !== 0 && code !== null) process.exitCode = 1;
        if (byIndex.size === 0) process.exit(process.exitCode ?? 0);
        return;
      }
      if (!started) {
        // Start-up failed; the worker printed why on stderr.
        stopping = true;
        process.exitCode = 1;
        for (const w of byIndex.values()) w.process.kill('SIGTERM');
        if (byIndex.size === 0) process.exit(1);
        return;
      }
      opts.log('error', { worker: index, code, signal }, 'worker exited; starting a replacement');
      setTimeout(() => {
        if (!stopping) fork(index);
      }, opts.restartDelayMs ?? 1000).unref();
    });
    return worker;
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    opts.log('info', { signal, workers: byIndex.size }, 'shutting down the workers');
    if (byIndex.size === 0) process.exit(0);
    for (const w of byIndex.values()) w.process.kill('SIGTERM');
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);

  const listening: Promise<ListeningMessage>[] = [];
  for (let i = 0; i < workers; i++) {
    const worker = fork(i);
    listening.push(
      new Promise((resolve) => {
        const onMessage = (m: unknown) => {
          if (!isListening(m)) return;
          worker.off('message', onMessage);
          resolve(m);
        };
        worker.on('message', onMessage);
      }),
    );
  }
  const [first] = await Promise.all(listening);
  started = true;
  if (first && !stopping) opts.print(`${first.banner}${workers} worker processes on this port (node:cluster)\n`);
}
