import { createHash } from 'node:crypto';
import type { Database as Db } from 'better-sqlite3';
import type pg from 'pg';
import { migratePostgres } from './migrate.js';

/**
 * Moving house: copies every row of a SQLite database (state, revisions,
 * audit, API keys, idempotency records, usage, experiment exposures,
 * allocations and metric events) into an empty, migrated PostgreSQL database
 * in ONE transaction, then verifies the copy by comparing row counts and a
 * content hash per table and tenant, read back from both sides. Rows keep
 * their ids; identity sequences continue after the highest. Rows stream in
 * batches both ways (the event tables can hold millions): no table is ever
 * held in memory whole.
 */

interface TableSpec {
  name: string;
  columns: readonly string[];
  /** Order rows are hashed in (a unique key)... */
  order: string;
  /** ...and the same order in PostgreSQL (text compared bytewise, as SQLite does). */
  pgOrder: string;
  identity: boolean;
  /** PostgreSQL select expressions that differ from the column name (read back as SQLite stores the value). */
  pgSelect?: Readonly<Record<string, string>>;
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
  { name: 'experiments', columns: DOC_COLUMNS, order: 'id', pgOrder: 'id', identity: true },
  { name: 'revisions', columns: ['tenant', 'revision', 'ts', 'actor', 'source', 'commit_sha', 'commit_meta', 'changes'], order: 'tenant, revision', pgOrder: 'tenant COLLATE "C", revision', identity: false },
  {
    name: 'audit',
    columns: ['id', 'tenant', 'ts', 'actor', 'source', 'environment', 'resource', 'key', 'action', 'before', 'after', 'revision', 'commit_sha', 'request_id', 'reason', 'forced'],
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
  // What experiments measured: results on the new database must equal those on the old.
  {
    name: 'exposures',
    columns: ['tenant', 'experiment', 'unit', 'variant', 'environment', 'revision', 'commit_sha', 'first_at', 'source'],
    order: 'tenant, experiment, unit, variant',
    pgOrder: 'tenant, experiment, unit, variant',
    identity: false,
  },
  {
    name: 'experiment_allocations',
    columns: ['tenant', 'experiment', 'revision', 'environment', 'weights', 'commit_sha', 'first_seen'],
    order: 'tenant, experiment, revision',
    pgOrder: 'tenant, experiment, revision',
    identity: false,
    // A json column keeps its text as given; pg would parse it.
    pgSelect: { weights: 'weights::text AS weights' },
  },
  {
    name: 'metric_events',
    columns: ['tenant', 'id', 'environment', 'event', 'unit', 'value', 'ts', 'received_at'],
    order: 'tenant, id',
    pgOrder: 'tenant, id',
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

/** Rows read or written per round trip (and per INSERT, within PostgreSQL's parameter limit). */
const BATCH_ROWS = 10_000;

/** Counts rows and hashes them per tenant, one row at a time, in the table's order. */
class TableHasher {
  private readonly hashes = new Map<string, ReturnType<typeof createHash>>();
  rows = 0;

  constructor(private readonly table: TableSpec) {}

  add(row: Row): void {
    this.rows++;
    const tenant = String(this.table.name === 'tenants' ? row.key : row.tenant);
    let h = this.hashes.get(tenant);
    if (h === undefined) {
      h = createHash('sha256');
      this.hashes.set(tenant, h);
    }
    // One canonical line per row: column values in schema order, as JSON.
    h.update(JSON.stringify(this.table.columns.map((c) => row[c] ?? null)));
    h.update('\n');
  }

  report(): TableReport {
    const hashes = Object.fromEntries([...this.hashes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([t, h]) => [t, h.digest('hex')]));
    return { table: this.table.name, rows: this.rows, hashes };
  }
}

function* readSqlite(db: Db, table: TableSpec): Generator<Row[]> {
  let batch: Row[] = [];
  for (const row of db.prepare<[], Row>(`SELECT ${table.columns.join(', ')} FROM ${table.name} ORDER BY ${table.order}`).iterate()) {
    batch.push(row);
    if (batch.length >= BATCH_ROWS) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Reads a table in batches through a cursor (needs an open transaction on `client`). */
async function* readPostgres(client: pg.ClientBase, table: TableSpec): AsyncGenerator<Row[]> {
  const select = table.columns.map((c) => table.pgSelect?.[c] ?? c).join(', ');
  const cursor = `ff_copy_${table.name}`;
  await client.query(`DECLARE ${cursor} NO SCROLL CURSOR FOR SELECT ${select} FROM ${table.name} ORDER BY ${table.pgOrder}`);
  try {
    for (;;) {
      const { rows } = await client.query<Row>(`FETCH ${BATCH_ROWS} FROM ${cursor}`);
      if (rows.length === 0) return;
      yield rows;
    }
  } finally {
    await client.query(`CLOSE ${cursor}`);
  }
}

async function insertBatch(client: pg.ClientBase, table: TableSpec, rows: Row[]): Promise<void> {
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
}

/** Copies one table, returning the source's counts and hashes. */
async function copyTable(sqlite: Db, client: pg.ClientBase, table: TableSpec): Promise<TableReport> {
  const source = new TableHasher(table);
  for (const rows of readSqlite(sqlite, table)) {
    for (const row of rows) source.add(row);
    await insertBatch(client, table, rows);
  }
  if (table.identity) {
    await client.query(
      `SELECT setval(pg_get_serial_sequence('${table.name}', 'id'), COALESCE((SELECT MAX(id) FROM ${table.name}), 0) + 1, false)`,
    );
  }
  return source.report();
}

async function fingerprintPostgres(client: pg.ClientBase, table: TableSpec): Promise<TableReport> {
  const hasher = new TableHasher(table);
  for await (const rows of readPostgres(client, table)) for (const row of rows) hasher.add(row);
  return hasher.report();
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
    // One read transaction on the source: every table from one committed state.
    sqlite.exec('BEGIN');
    const reports: TableReport[] = [];
    try {
      for (const table of COPIED_TABLES) reports.push(await copyTable(sqlite, client, table));
    } finally {
      if (sqlite.inTransaction) sqlite.exec('COMMIT');
    }
    // Verify before committing: what PostgreSQL now holds, read back, equals the source.
    for (const expected of reports) {
      const table = COPIED_TABLES.find((t) => t.name === expected.table)!;
      const actual = await fingerprintPostgres(client, table);
      if (actual.rows !== expected.rows) throw new CopyError(`${table.name}: ${expected.rows} rows in SQLite, ${actual.rows} copied`);
      for (const tenant of new Set([...Object.keys(expected.hashes), ...Object.keys(actual.hashes)])) {
        if (expected.hashes[tenant] !== actual.hashes[tenant]) throw new CopyError(`${table.name}: tenant ${tenant} differs after the copy`);
      }
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
    // Cursors live in a transaction; a read-only one sees one committed state.
    await client.query('BEGIN READ ONLY');
    const reports: TableReport[] = [];
    for (const table of COPIED_TABLES) reports.push(await fingerprintPostgres(client, table));
    await client.query('COMMIT');
    return reports;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** The same fingerprint of a SQLite database. */
export function sqliteFingerprint(db: Db): TableReport[] {
  return COPIED_TABLES.map((table) => {
    const hasher = new TableHasher(table);
    for (const rows of readSqlite(db, table)) for (const row of rows) hasher.add(row);
    return hasher.report();
  });
}
