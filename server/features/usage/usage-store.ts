import type { Database as Db } from 'better-sqlite3';
import type { Synchronous } from '../../db/sqlite-gate.js';

/**
 * Evaluations of one flag in one environment on one UTC day, as a server
 * process counted them since its last flush. `lastAt` is the latest of them
 * (ISO-8601).
 */
export interface UsageIncrement {
  tenant: string;
  environment: string;
  flag: string;
  /** UTC calendar day, YYYY-MM-DD. */
  day: string;
  count: number;
  lastAt: string;
}

/** What the usage table knows of one flag in one environment. */
export interface FlagUsage {
  flag: string;
  environment: string;
  /** Evaluations on the days from `sinceDay` (inclusive) to today. */
  count: number;
  /** The latest evaluation ever recorded (any day, also before `sinceDay`). */
  lastEvaluatedAt: string;
}

/** Evaluations of one flag in one environment on one UTC day, as stored. */
export interface DayUsage {
  flag: string;
  environment: string;
  /** YYYY-MM-DD. */
  day: string;
  count: number;
}

/**
 * Usage counts per (tenant, environment, flag, day). Asynchronous from the
 * start: it is written in the background, never on an evaluation's path, and
 * the PostgreSQL store answers with Promises.
 */
export interface UsageStore {
  /**
   * Adds each increment to its day's row (creating it): several processes
   * flushing the same flag and day add up, none overwrites another. The
   * batch is one transaction.
   */
  add(increments: readonly UsageIncrement[]): Promise<void>;
  /** Every flag (or only those of `flags`) and environment of `tenant` with recorded usage, by flag then environment. */
  summary(tenant: string, sinceDay: string, flags?: readonly string[]): Promise<FlagUsage[]>;
  /** The rows of `tenant` from `sinceDay` (inclusive), by flag, environment, day. */
  days(tenant: string, sinceDay: string): Promise<DayUsage[]>;
  /** Removes the rows of days before `beforeDay`; returns how many. */
  purge(beforeDay: string): Promise<number>;
}

/** One row per (tenant, environment, flag, day), in key order: a batch never names a row twice, and two writers lock rows in the same order. */
export function mergeIncrements(increments: readonly UsageIncrement[]): UsageIncrement[] {
  const merged = new Map<string, UsageIncrement>();
  for (const inc of increments) {
    const id = `${inc.tenant}\u0000${inc.environment}\u0000${inc.flag}\u0000${inc.day}`;
    const seen = merged.get(id);
    if (seen === undefined) merged.set(id, { ...inc });
    else {
      seen.count += inc.count;
      if (inc.lastAt > seen.lastAt) seen.lastAt = inc.lastAt;
    }
  }
  return [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, inc]) => inc);
}

interface SummaryRow {
  flag: string;
  environment: string;
  /** PostgreSQL's SUM of bigint is numeric: text through the driver. */
  count: number | string;
  last_at: string;
}

/** Synchronous, as every SQLite store: `createStores` puts it behind the gate (db/sqlite-gate.ts). */
export class SqliteUsageStore implements Synchronous<UsageStore> {
  private readonly stmts;
  constructor(private readonly db: Db) {
    this.stmts = {
      add: db.prepare(
        `INSERT INTO usage_days (tenant, environment, flag, day, count, last_at)
         VALUES (@tenant, @environment, @flag, @day, @count, @lastAt)
         ON CONFLICT (tenant, environment, flag, day) DO UPDATE SET
           count = count + excluded.count,
           last_at = max(last_at, excluded.last_at)`,
      ),
      summary: db.prepare<[string, string], SummaryRow>(
        `SELECT flag, environment, SUM(CASE WHEN day >= ? THEN count ELSE 0 END) AS count, MAX(last_at) AS last_at
         FROM usage_days WHERE tenant = ? GROUP BY flag, environment ORDER BY flag, environment`,
      ),
      summaryOf: db.prepare<[string, string, string], SummaryRow>(
        `SELECT flag, environment, SUM(CASE WHEN day >= ? THEN count ELSE 0 END) AS count, MAX(last_at) AS last_at
         FROM usage_days WHERE tenant = ? AND flag IN (SELECT value FROM json_each(?))
         GROUP BY flag, environment ORDER BY flag, environment`,
      ),
      days: db.prepare<[string, string], DayUsage>(
        `SELECT flag, environment, day, count FROM usage_days WHERE tenant = ? AND day >= ? ORDER BY flag, environment, day`,
      ),
      purge: db.prepare('DELETE FROM usage_days WHERE day < ?'),
    };
  }

  add(increments: readonly UsageIncrement[]): void {
    const rows = mergeIncrements(increments);
    if (rows.length === 0) return;
    // IMMEDIATE, as every writer here: take the write lock up front.
    this.db.transaction(() => {
      for (const row of rows) this.stmts.add.run(row);
    }).immediate();
  }

  summary(tenant: string, sinceDay: string, flags?: readonly string[]): FlagUsage[] {
    const rows = flags === undefined ? this.stmts.summary.all(sinceDay, tenant) : this.stmts.summaryOf.all(sinceDay, tenant, JSON.stringify(flags));
    return rows.map(toFlagUsage);
  }

  days(tenant: string, sinceDay: string): DayUsage[] {
    return this.stmts.days.all(tenant, sinceDay);
  }

  purge(beforeDay: string): number {
    return this.stmts.purge.run(beforeDay).changes;
  }
}

export function toFlagUsage(r: SummaryRow): FlagUsage {
  return { flag: r.flag, environment: r.environment, count: Number(r.count), lastEvaluatedAt: r.last_at };
}
