import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { PgDatabase } from './database.js';
import { migratePostgres } from './migrate.js';
import { openPostgresPool, type PoolOptions } from './pool.js';

export interface OpenOptions extends PoolOptions {
  /** First retry delay; doubles per attempt up to maxBackoffMs. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Each failed attempt that will be retried (log it; readiness stays false meanwhile). */
  onRetry?(error: Error, attempt: number, delayMs: number): void;
  /** Abort: stop retrying (server shutdown during start-up). */
  signal?: AbortSignal;
}

/**
 * Errors worth waiting out at start-up: the server is not reachable yet, is
 * starting or shutting down, or the database is still being created. Anything
 * else (bad password, a changed migration) will not fix itself: fail at once.
 */
export function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return /Connection terminated|timeout expired|timeout exceeded when trying to connect|not queryable/i.test(String((error as Error)?.message ?? ''));
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH'].includes(code) ||
    code.startsWith('08') || // connection exceptions
    code === '57P03' || // cannot_connect_now: starting up
    code === '57P01' || // admin_shutdown
    code === '3D000' // invalid_catalog_name: the database does not exist (yet)
  );
}

/**
 * Connects and migrates, retrying transient failures with exponential backoff
 * until the database answers (or `signal` aborts): a replica started before
 * its database keeps trying instead of crash-looping.
 */
export async function openPostgres(url: string, options: OpenOptions = {}): Promise<PgDatabase> {
  const pool = openPostgresPool(url, options);
  try {
    await migrateWhenReachable(pool, options);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  return new PgDatabase(pool);
}

/** Migrates through `pool`, waiting out transient failures with exponential backoff (the pool reconnects per attempt). */
export async function migrateWhenReachable(pool: pg.Pool, options: Omit<OpenOptions, keyof PoolOptions> = {}): Promise<void> {
  const min = options.minBackoffMs ?? 200;
  const max = options.maxBackoffMs ?? 10_000;
  for (let attempt = 1; ; attempt += 1) {
    options.signal?.throwIfAborted();
    try {
      await migratePostgres(pool);
      return;
    } catch (error) {
      if (!isTransient(error)) throw error;
      const delay = Math.min(max, min * 2 ** (attempt - 1));
      options.onRetry?.(error as Error, attempt, delay);
      await sleep(delay, undefined, options.signal ? { signal: options.signal } : {});
    }
  }
}
