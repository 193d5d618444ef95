#!/usr/bin/env node
// The server launcher: `node dist/server/main.js serve | seed | migrate-store`.
import { existsSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { CoreError } from '../core/errors.js';
import { isClusterWorker, parseWorkers, reportListening, runPrimary, workerConfig, workerEnv } from './cluster.js';
import { ConfigError, loadConfig, type ServerConfig } from './config.js';
import { DatabasePathError, openDatabase } from './db/open.js';
import { openStore } from './db/open-store.js';
import { copySqliteToPostgres, CopyError } from './db/postgres/copy-from-sqlite.js';
import { openPostgresPool } from './db/postgres/pool.js';
import { createLogger } from './observability/logger.js';
import { formatDiagnostic, seedFromDirectory, SeedError, type SeedReport } from './seed.js';
import { closeOnSignals, startServer } from './start.js';

async function serve(options: { watch?: string; workers?: string } = {}): Promise<void> {
  // `--watch DIR` is FF_WATCH_DIR given on the command line (it wins over the variable).
  const env = options.watch === undefined ? process.env : { ...process.env, FF_WATCH_DIR: options.watch };
  if (isClusterWorker()) {
    const started = await startServer(workerConfig(loadConfig(workerEnv(env))));
    closeOnSignals(started);
    reportListening(started.url, started.banner);
    return;
  }
  const workers = parseWorkers(options.workers);
  const config = loadConfig(env);
  if (workers > 1) {
    const log = createLogger(config.logLevel);
    await runPrimary({
      config,
      workers,
      // Seed once here, so N workers do not race to load the same first start.
      prepare: async () => {
        if (config.watchDir !== null || !existsSync(config.seedDir)) return;
        const report = await seedDatabase(config, config.seedDir, { onlyIfEmpty: true });
        if (report) log.info({ dir: config.seedDir, tenants: report.tenants }, 'first start: loaded the seed directory');
      },
      print: (text) => process.stderr.write(text),
      log: (level, fields, message) => log[level](fields, message),
    });
    return;
  }
  const started = await startServer(config);
  // Handlers first: whoever reads the banner may signal at once.
  closeOnSignals(started);
  // Humans read the banner on stderr; stdout stays a pure JSON log stream.
  process.stderr.write(started.banner);
}

/** Makes the database hold the tenants of `dir` (with onlyIfEmpty: only when it holds none yet; undefined then). */
async function seedDatabase(
  config: Pick<ServerConfig, 'databaseUrl' | 'dbPath' | 'logLevel'>,
  dir: string,
  opts: { onlyIfEmpty?: boolean } = {},
): Promise<SeedReport | undefined> {
  // FF_DATABASE_URL's PostgreSQL (waited for, migrated), or the SQLite file.
  const store = openStore(config, createLogger(config.logLevel, process.stderr));
  try {
    await store.ready();
    const { stores } = store;
    if (opts.onlyIfEmpty === true && (await stores.tenants.list()).length > 0) return undefined;
    // No in-memory index to update here: a running server on the same
    // database notices this process's commit and reloads the tenants it changed.
    return await seedFromDirectory(stores, { stateCommitted: () => {}, keysCommitted: () => {} }, dir);
  } finally {
    await store.close();
  }
}

async function seed(options: { dir?: string }): Promise<void> {
  const config = loadConfig(process.env, { requireSecret: false });
  const report = (await seedDatabase(config, options.dir ?? config.seedDir)) as SeedReport;
  for (const t of report.tenants) {
    process.stdout.write(`${t.tenant}: ${t.changes} change(s), revision ${t.revision}\n`);
  }
}

/** `migrate-store --from sqlite:PATH --to postgres://…`: copy, verify, report. */
async function migrateStore(options: { from: string; to: string }): Promise<void> {
  if (!options.from.startsWith('sqlite:') || options.from.length === 'sqlite:'.length) {
    throw new ConfigError('--from must be sqlite:PATH (the SQLite file to copy)');
  }
  const from = options.from.slice('sqlite:'.length);
  if (!existsSync(from)) throw new ConfigError(`--from: no SQLite file at ${from}`);
  // The one validator of database URLs (a bad one never reaches the driver).
  const to = loadConfig({ FF_DATABASE_URL: options.to }, { requireSecret: false }).databaseUrl;
  if (to === null) throw new ConfigError('--to must be a postgres:// URL');
  const db = openDatabase(from);
  const pool = openPostgresPool(to, { max: 2, applicationName: 'ff-migrate-store' });
  try {
    const report = await copySqliteToPostgres(db, pool).catch((err: unknown) => {
      // Unreachable server, refused login, …: one line naming the target (never the URL: it may hold a password).
      const code = (err as { code?: unknown } | null)?.code;
      if (err instanceof Error && !(err instanceof CopyError) && typeof code === 'string') {
        throw new CopyError(`PostgreSQL (--to): ${err.message.split('\n')[0]} [${code}]`);
      }
      throw err;
    });
    for (const t of report) {
      process.stdout.write(`${t.table}: ${t.rows} row(s), ${Object.keys(t.hashes).length} tenant(s)\n`);
    }
    process.stdout.write('verified: row counts and per-tenant sha256 of every table match\n');
  } finally {
    await pool.end();
    db.close();
  }
}

export function buildProgram(): Command {
  const program = new Command('ff-server').description('The ff feature-flag server.');
  program
    .command('serve')
    .description('Serve the API (configuration from FF_* environment variables; see docs/operations.md)')
    .option('--watch <dir>', 'watch mode: reconcile this flags directory into the database on every change (FF_WATCH_DIR)')
    .option('--workers <n>', 'run N server processes on one port (node:cluster), each with its own in-memory index', '1')
    .action(serve);
  program
    .command('seed')
    .description('Make the database hold exactly the tenants of a flags directory (audited with source "seed")')
    .option('--dir <dir>', 'flags directory (default: FF_SEED_DIR or ./flags)')
    .action(seed);
  program
    .command('migrate-store')
    .description('Copy a SQLite database (state, revisions, audit, API keys) into an empty PostgreSQL database and verify the copy')
    .requiredOption('--from <sqlite:PATH>', 'the SQLite file, as sqlite:PATH')
    .requiredOption('--to <url>', 'the PostgreSQL database, postgres://user:password@host:5432/database')
    .action(migrateStore);
  return program;
}

interface ListenError extends Error {
  code: string;
  address?: string;
  port?: number;
}

/** A port in use or not permitted is an operator's mistake: one line, no stack. */
function isListenError(err: unknown): err is ListenError {
  const code = (err as { code?: unknown } | null)?.code;
  return err instanceof Error && (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL');
}

/**
 * SQLite refusing the file (not a database, …) or another errno from
 * opening the store: the operator's to fix, so one line naming what failed,
 * no stack. The path's own faults are DatabasePathError, with their errno.
 */
function isStorageError(err: unknown): err is Error & { code: string } {
  const code = (err as { code?: unknown } | null)?.code;
  return err instanceof Error && typeof code === 'string' && (/^E[A-Z]+$/.test(code) || code.startsWith('SQLITE_'));
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof ConfigError) process.stderr.write(`configuration error: ${err.message}\n`);
    else if (err instanceof CopyError) process.stderr.write(`migrate-store: ${err.message}\n`);
    else if (err instanceof SeedError) {
      process.stderr.write(`${err.message}\n${err.diagnostics.map(formatDiagnostic).join('\n')}\n`);
    } else if (err instanceof CoreError) process.stderr.write(`error: ${err.message}\n`);
    else if (err instanceof DatabasePathError) process.stderr.write(`error: cannot open the database (FF_DB_PATH): ${err.message} [${err.code}]\n`);
    else if (isListenError(err)) process.stderr.write(`error: cannot listen on ${err.address ?? ''}:${err.port ?? ''}: ${err.code === 'EADDRINUSE' ? 'the port is in use (set FF_PORT)' : err.code}\n`);
    else if (isStorageError(err)) process.stderr.write(`error: cannot open the database (FF_DB_PATH): ${err.message.split('\n')[0]} [${err.code}]\n`);
    else process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
if (invokedDirectly) await main(process.argv);
