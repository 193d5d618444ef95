import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import type pg from 'pg';

/** What a store runs its SQL on: the open transaction's connection, or the pool. */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

interface Tx {
  client: pg.PoolClient;
  pending: (() => void | Promise<void>)[];
  savepoints: number;
  /** 'all': the transaction holds the write lock exclusively; otherwise the tenants it holds. */
  locks: 'all' | Set<string>;
}

/**
 * Key of the transaction-level advisory lock every write transaction takes
 * first, so the read-check-write steps inside it (stale-plan check, revision
 * bump, idempotency) see no concurrent writer of what they touch, across
 * every replica. A write to ONE tenant holds it shared and then that
 * tenant's own lock (tenantLockKeys) exclusively: writes to different
 * tenants run in parallel, writes to one tenant one after the other. A write
 * that names no tenant (seed, several tenants at once) holds it exclusively,
 * as SQLite's BEGIN IMMEDIATE does for every write. ("ff" + 2; the migration
 * lock is "ff" + 1.)
 */
export const WRITE_LOCK_KEY = 0x6666_0002;

/**
 * Namespace of the tenant locks: the first key of the two-int advisory lock
 * form (its own key space, apart from the one-bigint form of the locks
 * above, so no other lock of ours can collide with a tenant's).
 */
export const TENANT_LOCK_NAMESPACE = 0x6666_0003;

/**
 * The two keys of a tenant's write lock: the namespace and 32 bits of the
 * tenant id's SHA-256 (computed here, so every replica agrees whatever the
 * server version). Two tenants whose hashes collide share one lock: their
 * writes are serialized, which is slower but never wrong.
 */
export function tenantLockKeys(tenant: string): [number, number] {
  return [TENANT_LOCK_NAMESPACE, createHash('sha256').update(tenant).digest().readInt32BE(0)];
}

/**
 * The PostgreSQL connection pool plus the transaction in progress on this
 * async call chain. Stores ask `db()` for where to run a statement: inside
 * `transaction()` that is the transaction's own connection (found through
 * AsyncLocalStorage, so concurrent requests each see their own), elsewhere
 * the pool.
 */
export class PgDatabase {
  private readonly current = new AsyncLocalStorage<Tx>();
  /** Transactions (write or read) open on this pool, across call chains. */
  private open = 0;

  constructor(readonly pool: pg.Pool) {}

  /**
   * The transaction store is consulted only while a transaction is open; an
   * enabled AsyncLocalStorage keeps Node 20's async hooks on for every
   * request of the process (evaluations included), so it is switched off when
   * the last one ends. The next run() switches it back on.
   */
  private runIn<T>(tx: Tx, fn: () => Promise<T>): Promise<T> {
    this.open += 1;
    return this.current.run(tx, fn).finally(() => {
      this.open -= 1;
      if (this.open === 0) this.current.disable();
    });
  }

  db(): Queryable {
    return this.current.getStore()?.client ?? this.pool;
  }

  get inTransaction(): boolean {
    return this.current.getStore() !== undefined;
  }

  /**
   * Runs `fn` in ONE transaction: everything it does through the stores
   * commits or rolls back together. With `tenant`, it locks that tenant's
   * writes only (see WRITE_LOCK_KEY); without, every write. Nested calls
   * become savepoints (naming another tenant, they lock it too); a failed
   * nested call rolls back only itself (and drops the afterCommit callbacks
   * it queued).
   */
  async transaction<T>(fn: () => Promise<T>, tenant?: string): Promise<T> {
    const open = this.current.getStore();
    if (open !== undefined) {
      if (open.locks === 'all') return this.nested(open, fn);
      if (tenant === undefined) throw new Error('a write to every tenant cannot start inside a write to one tenant');
      if (!open.locks.has(tenant)) {
        await open.client.query('SELECT pg_advisory_xact_lock($1, $2)', tenantLockKeys(tenant));
        open.locks.add(tenant);
      }
      return this.nested(open, fn);
    }
    const client = await this.pool.connect();
    const tx: Tx = { client, pending: [], savepoints: 0, locks: tenant === undefined ? 'all' : new Set([tenant]) };
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
      if (tenant === undefined) await client.query('SELECT pg_advisory_xact_lock($1)', [WRITE_LOCK_KEY]);
      else await client.query('SELECT pg_advisory_xact_lock_shared($1), pg_advisory_xact_lock($2, $3)', [WRITE_LOCK_KEY, ...tenantLockKeys(tenant)]);
      result = await this.runIn(tx, fn);
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
    const tx: Tx = { client, pending: [], savepoints: 0, locks: new Set() };
    let broken: Error | undefined;
    const onError = (error: Error) => {
      broken = error;
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const result = await this.runIn(tx, fn);
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
