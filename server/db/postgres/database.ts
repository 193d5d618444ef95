import { AsyncLocalStorage } from 'node:async_hooks';
import type pg from 'pg';

/** What a store runs its SQL on: the open transaction's connection, or the pool. */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

interface Tx {
  client: pg.PoolClient;
  pending: (() => void | Promise<void>)[];
  savepoints: number;
}

/**
 * Key of the transaction-level advisory lock every write transaction takes
 * first: writes are serialized across every replica, as SQLite's BEGIN
 * IMMEDIATE serializes them across processes, so the read-check-write steps
 * inside a transaction (stale-plan check, revision bump, idempotency) see no
 * concurrent writer. ("ff" + 2; the migration lock is "ff" + 1.)
 */
export const WRITE_LOCK_KEY = 0x6666_0002;

/**
 * The PostgreSQL connection pool plus the transaction in progress on this
 * async call chain. Stores ask `db()` for where to run a statement: inside
 * `transaction()` that is the transaction's own connection (found through
 * AsyncLocalStorage, so concurrent requests each see their own), elsewhere
 * the pool.
 */
export class PgDatabase {
  private readonly current = new AsyncLocalStorage<Tx>();

  constructor(readonly pool: pg.Pool) {}

  db(): Queryable {
    return this.current.getStore()?.client ?? this.pool;
  }

  get inTransaction(): boolean {
    return this.current.getStore() !== undefined;
  }

  /**
   * Runs `fn` in ONE transaction: everything it does through the stores
   * commits or rolls back together. Nested calls become savepoints; a failed
   * nested call rolls back only itself (and drops the afterCommit callbacks it
   * queued).
   */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    const open = this.current.getStore();
    if (open !== undefined) return this.nested(open, fn);
    const client = await this.pool.connect();
    const tx: Tx = { client, pending: [], savepoints: 0 };
    let broken: Error | undefined;
    // A checked-out connection that the server drops (pg_terminate_backend, a
    // failover) emits 'error' on the client, not the pool: unhandled, that
    // would crash the process. The statement in flight fails on its own.
    const onError = (error: Error) => {
      broken = error;
    };
    client.on('error', onError);
    let result: T;
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [WRITE_LOCK_KEY]);
      result = await this.current.run(tx, fn);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError as Error; // the connection is gone: do not return it to the pool
      });
      throw error;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
    for (const cb of tx.pending) await cb();
    return result;
  }

  /**
   * Runs `fn` in one read-only REPEATABLE READ transaction, so several
   * statements see one committed snapshot (inside a write transaction: in
   * that one). Takes no write lock.
   */
  async read<T>(fn: () => Promise<T>): Promise<T> {
    if (this.current.getStore() !== undefined) return fn();
    const client = await this.pool.connect();
    const tx: Tx = { client, pending: [], savepoints: 0 };
    let broken: Error | undefined;
    const onError = (error: Error) => {
      broken = error;
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const result = await this.current.run(tx, fn);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError as Error;
      });
      throw error;
    } finally {
      client.off('error', onError);
      client.release(broken);
    }
  }

  /** Runs `fn` once the outermost transaction has committed (at once when none is open). */
  afterCommit(fn: () => void | Promise<void>): void {
    const open = this.current.getStore();
    if (open === undefined) void Promise.resolve(fn());
    else open.pending.push(fn);
  }

  close(): Promise<void> {
    return this.pool.end();
  }

  private async nested<T>(tx: Tx, fn: () => Promise<T>): Promise<T> {
    tx.savepoints += 1;
    const name = `ff_sp_${tx.savepoints}`;
    const mark = tx.pending.length;
    await tx.client.query(`SAVEPOINT ${name}`);
    try {
      const result = await fn();
      await tx.client.query(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (error) {
      tx.pending.length = mark;
      await tx.client.query(`ROLLBACK TO SAVEPOINT ${name}`);
      throw error;
    }
  }
}
