import pg from 'pg';

const INT8_OID = 20;
const JSON_OID = 114;

// Rows come back as the SQLite store returns them, so both stores share their
// row mapping: int8 (bigint, count(*)) as a number instead of the driver's
// string (ff's counters and ids stay far below 2^53), and json as its text
// instead of a parsed value (the store parses it, once). On this pool only: no
// global change to the driver, which other code in the process may use.
const asNumber = (value: string) => Number(value);
const asText = (value: string) => value;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === INT8_OID) return asNumber;
    if (oid === JSON_OID) return asText;
    return pg.types.getTypeParser(oid, format ?? 'text');
  }) as typeof pg.types.getTypeParser,
};

export interface PoolOptions {
  /** Connections this replica may hold (default 10). */
  max?: number;
  /** application_name shown in pg_stat_activity, so an operator can tell replicas apart. */
  applicationName?: string;
  /** An idle connection failed (server restart, pg_terminate_backend): log it; the pool replaces it. */
  onIdleError?: (error: Error) => void;
  /** How long a request waits for a connection before failing (default 5 s): an unreachable database fails fast, as a 503. */
  connectTimeoutMs?: number;
}

export function openPostgresPool(url: string, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'ff-server',
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    types,
  });
  // An idle connection that the server drops (restart, pg_terminate_backend)
  // emits 'error' on the pool; unhandled, that would crash the process. The
  // next query gets a fresh connection.
  pool.on('error', (error) => options.onIdleError?.(error));
  return pool;
}
