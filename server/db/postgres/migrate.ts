import type pg from 'pg';
import { PG_MIGRATIONS } from './migrations/index.js';

export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}

export interface MigrateResult {
  /** Versions this call applied (empty when another replica had already done it). */
  applied: number[];
  /** Highest version recorded in the database afterwards. */
  current: number;
}

/**
 * Key of the session-level advisory lock every ff replica takes before it
 * looks at the schema ("ff" + 1: distinctive, so that another application
 * sharing the database is unlikely to pick it).
 */
export const MIGRATION_LOCK_KEY = 0x6666_0001;

export class PgMigrationError extends Error {
  override readonly name = 'PgMigrationError';
}

/** Anything that hands out one connection for a while: a pg.Pool. */
export interface Connector {
  connect(): Promise<pg.PoolClient>;
}

/**
 * Brings the database up to the newest migration. Replicas started together
 * serialize on one advisory lock held for the whole run (created table
 * included: concurrent CREATE TABLE IF NOT EXISTS can still collide in the
 * catalog), so exactly one applies each step and the others find it done.
 * Each step runs in its own transaction with its schema_migrations row: DDL is
 * transactional in PostgreSQL, so a failed step leaves nothing behind. A
 * replica that dies while holding the lock loses its session, and with it the
 * lock.
 */
export async function migratePostgres(db: Connector, migrations: readonly PgMigration[] = PG_MIGRATIONS): Promise<MigrateResult> {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  const client = await db.connect();
  let broken = false;
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version    integer PRIMARY KEY,
        name       text    NOT NULL,
        applied_at text    NOT NULL
      )`);
      const rows = (await client.query<{ version: number; name: string }>('SELECT version, name FROM schema_migrations')).rows;
      const recorded = new Map(rows.map((r) => [r.version, r.name]));
      for (const m of sorted) {
        const name = recorded.get(m.version);
        if (name !== undefined && name !== m.name) {
          throw new PgMigrationError(`migration ${m.version} is recorded as "${name}" but this build calls it "${m.name}": shipped migrations must never change`);
        }
      }
      const applied: number[] = [];
      for (const m of sorted) {
        if (recorded.has(m.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
            m.version,
            m.name,
            new Date().toISOString(),
          ]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw new PgMigrationError(`migration ${m.version} (${m.name}) failed: ${(error as Error).message}`);
        }
        applied.push(m.version);
        recorded.set(m.version, m.name);
      }
      return { applied, current: Math.max(0, ...recorded.keys()) };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {
        broken = true; // the session is gone, and the lock with it; do not reuse the connection
      });
    }
  } catch (error) {
    broken = true;
    throw error;
  } finally {
    client.release(broken);
  }
}
