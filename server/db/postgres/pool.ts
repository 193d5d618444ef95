import pg from 'pg';

const INT8_OID = 20;

// int8 (bigint, count(*)) arrives as a string by default, since it can exceed
// 2^53. ff's counters and ids never come near that, and the SQLite store
// returns numbers: parse them to numbers on this pool only (no global change
// to the driver, which other code in the process may use).
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

export interface PoolOptions {
  /** Connections this replica may hold (default 10). */
  max?: number;
  /** application_name shown in pg_stat_activity, so an operator can tell replicas apart. */
  applicationName?: string;
}

export function openPostgresPool(url: string, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'ff-server',
    types,
  });
  // An idle connection that the server drops (restart, pg_terminate_backend)
  // emits 'error' on the pool; unhandled, that would crash the process. The
  // next query gets a fresh connection.
  pool.on('error', () => undefined);
  return pool;
}
