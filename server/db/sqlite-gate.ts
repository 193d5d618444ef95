import { AsyncLocalStorage } from 'node:async_hooks';
import type { Database as Db } from 'better-sqlite3';

/**
 * A store interface with its Promise-returning methods made synchronous: what
 * a SQLite store class implements (better-sqlite3 answers synchronously);
 * `gated()` turns it into the interface the services use.
 */
export type Synchronous<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => R : T[K];
};

interface Session {
  kind: 'write' | 'read' | 'statement';
  /** afterCommit callbacks of a write transaction. */
  pending: (() => void | Promise<void>)[];
  savepoints: number;
}

/**
 * The one better-sqlite3 connection of this process, shared by asynchronous
 * code. A transaction's body awaits between its statements, so another
 * request's continuation can run in the middle of it; on a single connection
 * that continuation's statements would join the open transaction (and its
 * reads would see rows that may still roll back). The gate makes that
 * impossible: a transaction (write or read) holds the connection for its
 * whole body, found through AsyncLocalStorage, and any statement from another
 * call chain waits until the holder commits or rolls back. With nobody
 * holding it, a statement runs at once — the common case costs nothing but
 * the Promise. Statements are synchronous, so one never interleaves with
 * another; only the awaits between them needed guarding.
 */
export class SqliteGate {
  private readonly current = new AsyncLocalStorage<Session>();
  private holder: Session | undefined;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly db: Db) {}

  /** Runs one synchronous store call: now, unless another call chain holds the connection. */
  call<R>(fn: () => R): Promise<R> {
    if (this.holder === undefined || this.current.getStore() === this.holder) {
      try {
        return Promise.resolve(fn());
      } catch (error) {
        return Promise.reject(error as Error);
      }
    }
    return this.exclusive({ kind: 'statement', pending: [], savepoints: 0 }, async () => fn());
  }

  /**
   * Runs `fn` in ONE write transaction (BEGIN IMMEDIATE: takes the write lock
   * up front, so two processes never deadlock upgrading a read lock). Nested
   * calls become savepoints; a failed nested call rolls back only itself and
   * drops the afterCommit callbacks it queued.
   */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    const mine = this.current.getStore();
    if (mine !== undefined && mine === this.holder) {
      if (mine.kind !== 'write') throw new Error('a write transaction cannot start inside a read transaction');
      return this.savepoint(mine, fn);
    }
    const session: Session = { kind: 'write', pending: [], savepoints: 0 };
    const result = await this.exclusive(session, async () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const value = await fn();
        this.db.exec('COMMIT');
        return value;
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    });
    for (const cb of session.pending) await cb();
    return result;
  }

  /** Runs `fn` in one read transaction (inside a transaction: in that one), so several statements see one committed state. */
  async read<T>(fn: () => Promise<T>): Promise<T> {
    const mine = this.current.getStore();
    if (mine !== undefined && mine === this.holder) return fn();
    return this.exclusive({ kind: 'read', pending: [], savepoints: 0 }, async () => {
      this.db.exec('BEGIN');
      try {
        return await fn();
      } finally {
        if (this.db.inTransaction) this.db.exec('COMMIT');
      }
    });
  }

  /** Runs `fn` once the outermost write transaction has committed (at once when none is open on this call chain). */
  afterCommit(fn: () => void | Promise<void>): void {
    const mine = this.current.getStore();
    if (mine !== undefined && mine === this.holder && mine.kind === 'write') mine.pending.push(fn);
    else void Promise.resolve(fn());
  }

  private async savepoint<T>(session: Session, fn: () => Promise<T>): Promise<T> {
    session.savepoints += 1;
    const name = `ff_sp_${session.savepoints}`;
    const mark = session.pending.length;
    this.db.exec(`SAVEPOINT ${name}`);
    try {
      const value = await fn();
      this.db.exec(`RELEASE ${name}`);
      return value;
    } catch (error) {
      session.pending.length = mark;
      this.db.exec(`ROLLBACK TO ${name}`);
      this.db.exec(`RELEASE ${name}`);
      throw error;
    }
  }

  /** Holds the connection for `session` while `fn` runs (first come, first served). */
  private async exclusive<T>(session: Session, fn: () => Promise<T>): Promise<T> {
    if (this.holder === undefined) this.holder = session;
    else await new Promise<void>((resolve) => this.waiting.push(() => ((this.holder = session), resolve())));
    try {
      return await this.current.run(session, fn);
    } finally {
      this.holder = undefined;
      // Handed over synchronously, so nobody slips in before the next holder's continuation runs.
      this.waiting.shift()?.();
      // With nobody holding the connection the stored session is never
      // consulted (call() runs at once), and an enabled AsyncLocalStorage
      // keeps Node 20's async hooks on for every request of the process:
      // ≈ 7 µs and most of the garbage of an evaluation measured over
      // sockets. The next run() switches them back on.
      if (this.holder === undefined) this.current.disable();
    }
  }
}

/**
 * A SQLite store behind the gate: every method returns a Promise and runs
 * when the connection is not held by another call chain's transaction.
 */
export function gated<T extends object>(gate: SqliteGate, store: Synchronous<T>): T {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(store as object, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      let fn = wrapped.get(prop);
      if (fn === undefined) {
        const method = value as (...args: unknown[]) => unknown;
        fn = (...args: unknown[]) => gate.call(() => method.apply(target, args));
        wrapped.set(prop, fn);
      }
      return fn;
    },
  }) as T;
}
