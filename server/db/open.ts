import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { migrate } from './migrate.js';

export type { Db };

/** Why a path cannot hold the database, by errno: what the operator reads. */
const WHY: Readonly<Record<string, string>> = {
  EROFS: 'is on a read-only file system',
  EACCES: 'is not writable by this user (permission denied)',
  EPERM: 'is not writable by this user (operation not permitted)',
  ENOENT: 'does not exist and cannot be created (a broken symbolic link?)',
  ENOTDIR: 'is not a folder',
  EISDIR: 'is a folder, not a database file',
};

/**
 * The SQLite file cannot be created or opened where FF_DB_PATH says: `code`
 * is the errno that stopped it (EROFS, EACCES, EPERM, ENOENT, ENOTDIR,
 * EISDIR), `path` the file or folder it is about. The operator's to fix, so
 * the launcher prints one line with the code, no stack.
 */
export class DatabasePathError extends Error {
  override readonly name = 'DatabasePathError';
  constructor(
    readonly code: string,
    readonly path: string,
  ) {
    super(`${path} ${WHY[code] ?? code}`);
  }
}

const errnoOf = (err: unknown): string | undefined => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? code : undefined;
};

/** Throws DatabasePathError with `code` when `check` fails with an errno. */
function orPathError(target: string, check: () => void): void {
  try {
    check();
  } catch (err) {
    const code = errnoOf(err);
    if (code !== undefined) throw new DatabasePathError(code, target);
    throw err;
  }
}

/**
 * The folder could not be made: name the real cause. A recursive mkdir on a
 * read-only or unwritable file system reports ENOENT for the missing part,
 * so the nearest folder that exists is asked whether it can be written.
 */
function explainMkdir(dir: string, err: unknown): never {
  for (let at = dir; ; at = path.dirname(at)) {
    let isDir: boolean;
    try {
      isDir = statSync(at).isDirectory();
    } catch {
      if (at === path.dirname(at)) break;
      continue;
    }
    if (!isDir) throw new DatabasePathError('ENOTDIR', at);
    orPathError(at, () => accessSync(at, constants.W_OK));
    break;
  }
  const code = errnoOf(err);
  if (code === undefined) throw err;
  throw new DatabasePathError(code, (err as { path?: string }).path ?? dir);
}

/**
 * Before SQLite sees the path: its folder exists (made if missing) and can
 * be written (SQLite creates the file and its -wal and -shm beside it), and
 * the file, if there, is a readable and writable file. SQLite itself would
 * only say SQLITE_CANTOPEN for each of these.
 */
function prepareDatabasePath(dbPath: string): void {
  const file = path.resolve(dbPath);
  const dir = path.dirname(file);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    explainMkdir(dir, err);
  }
  orPathError(dir, () => accessSync(dir, constants.W_OK));
  const stat = statSync(file, { throwIfNoEntry: false });
  if (stat?.isDirectory() === true) throw new DatabasePathError('EISDIR', file);
  if (stat !== undefined) orPathError(file, () => accessSync(file, constants.R_OK | constants.W_OK));
}

/**
 * Opens (creating its folder if needed) and migrates the SQLite file. WAL lets
 * readers run beside the one writer; busy_timeout makes a second process wait
 * for the write lock instead of failing at once; foreign keys are off by
 * default in SQLite and must be switched on per connection.
 */
export function openDatabase(dbPath: string): Db {
  if (dbPath !== ':memory:') prepareDatabasePath(dbPath);
  const db = new Database(dbPath);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  // NORMAL is durable across application crashes in WAL mode; only a power
  // loss can drop the last transactions (documented in the ADR).
  db.pragma('synchronous = NORMAL');
  migrate(db);
  return db;
}
