// Real `ff-server serve` processes for the live-index tests: the launcher is
// transpiled once per test file into a temp folder (as test/server/start.e2e
// does), then started as child processes sharing one SQLite file.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TenantState } from '../../../core/model/index.js';
import { mintToken } from '../../../server/auth/dev-token.js';
import { pino } from 'pino';
import { openStore } from '../../../server/db/open-store.js';
import { replaceTenantState } from '../../../server/features/state/replace-state.js';
import type { ReplaceResult } from '../../../server/features/state/replace-state.js';
import { transpileDir, transpileTree } from '../../server/helpers/transpile.js';
import { until } from './poll.js';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const SECRET = 'live-test-secret-that-is-at-least-32-bytes';

/** Transpiles server/, core/ and git/ once; returns the launcher path and a cleanup. */
export function buildLauncher(): { main: string; remove(): void } {
  const out = transpileDir(repo, 'ff-live-');
  transpileTree(repo, ['server', 'core', 'git'], out);
  return { main: path.join(out, 'server', 'main.js'), remove: () => rmSync(out, { recursive: true, force: true }) };
}

export interface Server {
  name: string;
  url: string;
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
}

export async function startServer(main: string, name: string, env: Record<string, string>, args: string[] = []): Promise<Server> {
  const child = spawn(process.execPath, [main, 'serve', ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      FF_HOST: '127.0.0.1',
      FF_PORT: '0',
      FF_JWT_SECRET: SECRET,
      FF_LOG_LEVEL: 'info',
      ...env,
    },
    cwd: repo,
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await until(`${name} to listen`, () => {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}): ${err}`);
    return /listening on (http:\/\/\S+)/.exec(err)?.[1];
  }, 30_000);
  return {
    name,
    url,
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/**
 * Writes tenants into the database the way `seed`/apply do, from the test
 * process (a writer of its own): a SQLite file path, or a postgres:// URL.
 */
export async function applyStates(database: string, states: TenantState[]): Promise<ReplaceResult[]> {
  const writer = await openWriter(database);
  try {
    return await writer.apply(states);
  } finally {
    await writer.close();
  }
}

export interface Writer {
  apply(states: TenantState[]): Promise<ReplaceResult[]>;
  close(): Promise<void>;
}

/** A writer that stays connected, for tests whose applies must land quickly one after another. */
export async function openWriter(database: string): Promise<Writer> {
  const postgres = /^postgres(ql)?:/.test(database);
  const store = openStore({ databaseUrl: postgres ? database : null, dbPath: database }, pino({ level: 'silent' }));
  try {
    await store.ready();
  } catch (err) {
    await store.close();
    throw err;
  }
  const { stores } = store;
  return {
    apply: async (states) => {
      const ctx = { actor: 'live-test', source: 'seed' as const, requestId: null, commit: null, now: new Date().toISOString() };
      const results: ReplaceResult[] = [];
      for (const s of states) results.push(await replaceTenantState(stores, { stateCommitted: () => {}, keysCommitted: () => {} }, ctx, s, { allowDelete: true }));
      return results;
    },
    close: () => store.close(),
  };
}

export const adminToken = (tenants: string[] = ['*']) => mintToken({ secret: SECRET, sub: 'live-admin', tenants });

export interface Call {
  token?: string;
  apiKey?: string;
  tenant?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export async function call(server: { url: string }, method: string, urlPath: string, c: Call = {}) {
  const headers: Record<string, string> = { ...c.headers };
  if (c.apiKey !== undefined) headers['x-api-key'] = c.apiKey;
  else if (c.token !== undefined) headers.authorization = `Bearer ${c.token}`;
  if (c.tenant !== undefined) headers['x-tenant-id'] = c.tenant;
  if (c.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(server.url + urlPath, { method, headers, ...(c.body === undefined ? {} : { body: JSON.stringify(c.body) }) });
  const text = await res.text();
  let json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** The value of one sample line of a Prometheus text exposition (0 when absent). */
export async function metric(server: { url: string }, line: RegExp): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  for (const l of text.split('\n')) {
    if (line.test(l)) return Number(l.split(' ').at(-1));
  }
  return 0;
}
