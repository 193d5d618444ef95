import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { migrate } from './migrate.js';

export type { Db };

/**
 * Opens (creating its folder if needed) and migrates the SQLite file. WAL lets
 * readers run beside the one writer; busy_timeout makes a second process wait
 * for the write lock instead of failing at once; foreign keys are off by
 * default in SQLite and must be switched on per connection.
 */
export function openDatabase(dbPath: string): Db {
  if (dbPath !== ':memory:') mkdirSync(path.dirname(path.resolve(dbPath)), { recursive: true });
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
