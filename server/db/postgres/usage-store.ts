import { mergeIncrements, toFlagUsage, type DayUsage, type FlagUsage, type UsageIncrement, type UsageStore } from '../../features/usage/usage-store.js';
import type { PgDatabase } from './database.js';

/** Rows per INSERT statement (6 parameters each, far below PostgreSQL's 65,535). */
const CHUNK = 1000;

export class PgUsageStore implements UsageStore {
  constructor(private readonly pg: PgDatabase) {}

  async add(increments: readonly UsageIncrement[]): Promise<void> {
    const rows = mergeIncrements(increments);
    if (rows.length === 0) return;
    // Not pg.transaction(): that takes the state write lock, which usage has
    // no business contending for. A one-chunk batch is one statement (atomic
    // by itself); rows come sorted, so two replicas flushing the same rows
    // lock them in the same order and cannot deadlock.
    const run = async () => {
      for (let i = 0; i < rows.length; i += CHUNK) await this.insert(rows.slice(i, i + CHUNK));
    };
    if (rows.length <= CHUNK || this.pg.inTransaction) return run();
    const client = await this.pg.pool.connect();
    try {
      await client.query('BEGIN');
      for (let i = 0; i < rows.length; i += CHUNK) await this.insert(rows.slice(i, i + CHUNK), client);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  private async insert(rows: readonly UsageIncrement[], on = this.pg.db()): Promise<void> {
    const values: unknown[] = [];
    const tuples = rows.map((r, i) => {
      values.push(r.tenant, r.environment, r.flag, r.day, r.count, r.lastAt);
      const b = i * 6;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6})`;
    });
    await on.query(
      `INSERT INTO usage_days (tenant, environment, flag, day, count, last_at) VALUES ${tuples.join(', ')}
       ON CONFLICT (tenant, environment, flag, day) DO UPDATE SET
         count = usage_days.count + EXCLUDED.count,
         last_at = GREATEST(usage_days.last_at, EXCLUDED.last_at)`,
      values,
    );
  }

  async summary(tenant: string, sinceDay: string, flags?: readonly string[]): Promise<FlagUsage[]> {
    const only = flags === undefined ? '' : ' AND flag = ANY($3::text[])';
    const { rows } = await this.pg.db().query<{ flag: string; environment: string; count: string | number; last_at: string }>(
      `SELECT flag, environment, SUM(CASE WHEN day >= $1 THEN count ELSE 0 END) AS count, MAX(last_at) AS last_at
       FROM usage_days WHERE tenant = $2${only} GROUP BY flag, environment ORDER BY flag, environment`,
      flags === undefined ? [sinceDay, tenant] : [sinceDay, tenant, [...flags]],
    );
    return rows.map(toFlagUsage);
  }

  async days(tenant: string, sinceDay: string): Promise<DayUsage[]> {
    const { rows } = await this.pg.db().query<{ flag: string; environment: string; day: string; count: string | number }>(
      'SELECT flag, environment, day, count FROM usage_days WHERE tenant = $1 AND day >= $2 ORDER BY flag, environment, day',
      [tenant, sinceDay],
    );
    return rows.map((r) => ({ flag: r.flag, environment: r.environment, day: String(r.day), count: Number(r.count) }));
  }

  async purge(beforeDay: string): Promise<number> {
    const result = await this.pg.db().query('DELETE FROM usage_days WHERE day < $1', [beforeDay]);
    return result.rowCount ?? 0;
  }
}
