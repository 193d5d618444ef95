import type { Database as Db } from 'better-sqlite3';
import { MIGRATIONS } from './migrations/index.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** A data step that SQL cannot express (e.g. a hash computed in JS), run after `sql` in the same transaction. */
  run?: (db: Db) => void;
}

/**
 * Applies every migration newer than the database, each in its own IMMEDIATE
 * transaction together with its schema_migrations row, so two processes
 * starting at once cannot both apply the same step.
 */
export function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const applied: number[] = [];
  const isApplied = db.prepare<[number], { version: number }>('SELECT version FROM schema_migrations WHERE version = ?');
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    db.transaction(() => {
      if (isApplied.get(m.version)) return;
      db.exec(m.sql);
      m.run?.(db);
      record.run(m.version, m.name, new Date().toISOString());
      applied.push(m.version);
    }).immediate();
  }
  return applied;
}
