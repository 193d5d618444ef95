import { createHash } from 'node:crypto';
import type { Database as Db } from 'better-sqlite3';
import type pg from 'pg';
import { migratePostgres } from './migrate.js';

/**
 * Moving house: copies every row of a SQLite database (state, revisions,
 * audit, API keys, idempotency records) into an empty, migrated PostgreSQL
 * database in ONE transaction, then verifies the copy by comparing row counts
 * and a content hash per table and tenant, read back from both sides. Rows
 * keep their ids; identity sequences continue after the highest.
 */

interface TableSpec {
  name: string;
  columns: readonly string[];
  /** Order rows are hashed in (a unique key)... */
  order: string;
  /** ...and the same order in PostgreSQL (text compared bytewise, as SQLite does). */
  pgOrder: string;
  identity: boolean;
}

const DOC_COLUMNS = [
  'id', 'tenant', 'key', 'doc', 'hash', 'version', 'revision', 'archived_at', 'archived_by', 'managed_by', 'git_commit',
  'created_at', 'created_by', 'updated_at', 'updated_by', 'drift_source', 'drift_actor', 'drift_at',
] as const;

/** Parents before children (foreign keys). */
export const COPIED_TABLES: readonly TableSpec[] = [
  { name: 'tenants', columns: ['key', 'name', 'revision', 'keys_version', 'created_at', 'updated_at'], order: 'key', pgOrder: 'key COLLATE "C"', identity: false },
  { name: 'environments', columns: [...DOC_COLUMNS, 'position'], order: 'id', pgOrder: 'id', identity: true },
  { name: 'flags', columns: DOC_COLUMNS, order: 'id', pgOrder: 'id', identity: true },
  { name: 'segments', columns: DOC_COLUMNS, order: 'id', pgOrder: 'id', identity: true },
  { name: 'revisions', columns: ['tenant', 'revision', 'ts', 'actor', 'source', 'commit_sha', 'commit_meta', 'changes'], order: 'tenant, revision', pgOrder: 'tenant COLLATE "C", revision', identity: false },
  {
    name: 'audit',
    columns: ['id', 'tenant', 'ts', 'actor', 'source', 'environment', 'resource', 'key', 'action', 'before', 'after', 'revision', 'commit_sha', 'request_id', 'reason'],
    order: 'id',
    pgOrder: 'id',
    identity: true,
  },
  {
    name: 'api_keys',
    columns: ['id', 'tenant', 'environment', 'name', 'verifier', 'created_at', 'created_by', 'revoked_at', 'revoked_by'],
    order: 'id',
    pgOrder: 'id COLLATE "C"',
    identity: false,
  },
  {
    name: 'idempotency_keys',
    columns: ['tenant', 'actor', 'route', 'key', 'request_hash', 'status', 'headers', 'body', 'created_at'],
    order: 'tenant, actor, route, key',
    pgOrder: 'tenant COLLATE "C", actor COLLATE "C", route COLLATE "C", key COLLATE "C"',
    identity: false,
  },
  // Usage is no tenant's state, but safe deletes are judged by it: a migrated server must not forget what is evaluated.
  {
    name: 'usage_days',
    columns: ['tenant', 'environment', 'flag', 'day', 'count', 'last_at'],
    order: 'tenant, environment, flag, day',
    pgOrder: 'tenant, environment, flag, day',
    identity: false,
  },
];

export interface TableReport {
  table: string;
  rows: number;
  /** tenant → sha256 of that tenant's rows, equal on both sides. */
  hashes: Record<string, string>;
}

export class CopyError extends Error {
  override readonly name = 'CopyError';
}

type Row = Record<string, unknown>;

/** PostgreSQL's limit is 65,535 parameters a statement. */
const MAX_PARAMS = 60_000;

function tenantHashes(table: TableSpec, rows: Row[]): Record<string, string> {
  const hashes = new Map<string, ReturnType<typeof createHash>>();
  for (const row of rows) {
    const tenant = String(table.name === 'tenants' ? row.key : row.tenant);
    let h = hashes.get(tenant);
    if (h === undefined) {
      h = createHash('sha256');
      hashes.set(tenant, h);
    }
    // One canonical line per row: column values in schema order, as JSON.
    h.update(JSON.stringify(table.columns.map((c) => row[c] ?? null)));
    h.update('\n');
  }
  return Object.fromEntries([...hashes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([t, h]) => [t, h.digest('hex')]));
}

function readSqlite(db: Db, table: TableSpec): Row[] {
  return db.prepare<[], Row>(`SELECT ${table.columns.join(', ')} FROM ${table.name} ORDER BY ${table.order}`).all();
}

async function readPostgres(client: pg.ClientBase, table: TableSpec): Promise<Row[]> {
  const { rows } = await client.query<Row>(`SELECT ${table.columns.join(', ')} FROM ${table.name} ORDER BY ${table.pgOrder}`);
  return rows;
}

async function insertAll(client: pg.ClientBase, table: TableSpec, rows: Row[]): Promise<void> {
  const width = table.columns.length;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / width));
  const overriding = table.identity ? ' OVERRIDING SYSTEM VALUE' : '';
  for (let start = 0; start < rows.length; start += perStatement) {
    const batch = rows.slice(start, start + perStatement);
    const values: unknown[] = [];
    const tuples = batch.map((row, i) => {
      for (const c of table.columns) values.push(row[c] ?? null);
      return `(${table.columns.map((_, j) => `$${i * width + j + 1}`).join(', ')})`;
    });
    await client.query(`INSERT INTO ${table.name} (${table.columns.join(', ')})${overriding} VALUES ${tuples.join(', ')}`, values);
  }
  if (table.identity) {
    await client.query(
      `SELECT setval(pg_get_serial_sequence('${table.name}', 'id'), COALESCE((SELECT MAX(id) FROM ${table.name}), 0) + 1, false)`,
    );
  }
}

export async function copySqliteToPostgres(sqlite: Db, pool: pg.Pool): Promise<TableReport[]> {
  await migratePostgres(pool);
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error) => {
    broken = error;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const { rows: present } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM tenants');
    if ((present[0]?.n ?? 0) > 0) throw new CopyError('the PostgreSQL database already holds tenants: copy only into an empty one');
    const source = COPIED_TABLES.map((table) => ({ table, rows: readSqlite(sqlite, table) }));
    for (const { table, rows } of source) await insertAll(client, table, rows);
    // Verify before committing: what PostgreSQL now holds, read back, equals the source.
    const reports: TableReport[] = [];
    for (const { table, rows } of source) {
      const copied = await readPostgres(client, table);
      const expected = tenantHashes(table, rows);
      const actual = tenantHashes(table, copied);
      if (copied.length !== rows.length) throw new CopyError(`${table.name}: ${rows.length} rows in SQLite, ${copied.length} copied`);
      for (const tenant of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
        if (expected[tenant] !== actual[tenant]) throw new CopyError(`${table.name}: tenant ${tenant} differs after the copy`);
      }
      reports.push({ table: table.name, rows: rows.length, hashes: expected });
    }
    await client.query('COMMIT');
    return reports;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

/** Counts and per-tenant hashes of a PostgreSQL database, computed as for the copy (to compare later). */
export async function postgresFingerprint(pool: pg.Pool): Promise<TableReport[]> {
  const client = await pool.connect();
  try {
    const reports: TableReport[] = [];
    for (const table of COPIED_TABLES) {
      const rows = await readPostgres(client, table);
      reports.push({ table: table.name, rows: rows.length, hashes: tenantHashes(table, rows) });
    }
    return reports;
  } finally {
    client.release();
  }
}

/** The same fingerprint of a SQLite database. */
export function sqliteFingerprint(db: Db): TableReport[] {
  return COPIED_TABLES.map((table) => {
    const rows = readSqlite(db, table);
    return { table: table.name, rows: rows.length, hashes: tenantHashes(table, rows) };
  });
}
