import {
  eventsInRangeSql,
  summarySql,
  toAllocationRow,
  toMetricSummary,
  type AllocationDbRow,
  type AllocationRow,
  type ExperimentDataStore,
  type ExposureRow,
  type MetricEventRow,
  type MetricQuery,
  type MetricSummary,
  type RetentionKeep,
  type SummaryDbRow,
} from '../../features/experiments/experiment-data-store.js';
import type { PgDatabase } from './database.js';

const NUMERIC = new Set(['start', 'stop', 'window']);

/** Named parameters → PostgreSQL's positional ones (a name used twice is one parameter). */
function positional(build: (p: (name: string) => string) => string, values: Record<string, unknown>): [string, unknown[]] {
  const names: string[] = [];
  const text = build((name) => {
    let i = names.indexOf(name);
    if (i === -1) i = names.push(name) - 1;
    return `$${i + 1}${NUMERIC.has(name) ? '::bigint' : ''}`;
  });
  return [text, names.map((n) => values[n])];
}

/** Keeps the earliest row per key: one INSERT … ON CONFLICT may not touch a row twice. */
function earliest(rows: readonly ExposureRow[]): ExposureRow[] {
  const byKey = new Map<string, ExposureRow>();
  for (const r of rows) {
    const key = `${r.tenant}\n${r.experiment}\n${r.unit}\n${r.variant}`;
    const held = byKey.get(key);
    if (held === undefined || r.at < held.at) byKey.set(key, r);
  }
  return [...byKey.values()];
}

export class PgExperimentDataStore implements ExperimentDataStore {
  constructor(private readonly pg: PgDatabase) {}

  async recordExposures(input: readonly ExposureRow[]): Promise<void> {
    const rows = earliest(input);
    if (rows.length === 0) return;
    await this.pg.db().query(
      `INSERT INTO exposures (tenant, experiment, unit, variant, environment, revision, commit_sha, first_at, source)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::bigint[], $9::text[])
       ON CONFLICT (tenant, experiment, unit, variant) DO UPDATE SET
         first_at = EXCLUDED.first_at, revision = EXCLUDED.revision, commit_sha = EXCLUDED.commit_sha, source = EXCLUDED.source
       WHERE EXCLUDED.first_at < exposures.first_at`,
      [
        rows.map((r) => r.tenant),
        rows.map((r) => r.experiment),
        rows.map((r) => r.unit),
        rows.map((r) => r.variant),
        rows.map((r) => r.environment),
        rows.map((r) => r.revision),
        rows.map((r) => r.commit),
        rows.map((r) => r.at),
        rows.map((r) => r.source),
      ],
    );
  }

  async recordAllocations(rows: readonly AllocationRow[]): Promise<void> {
    for (const a of rows) {
      await this.pg.db().query(
        `INSERT INTO experiment_allocations (tenant, experiment, revision, environment, weights, commit_sha, first_seen)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (tenant, experiment, revision) DO NOTHING`,
        [a.tenant, a.experiment, a.revision, a.environment, JSON.stringify(a.weights), a.commit, a.firstSeen],
      );
    }
  }

  async recordEvents(input: readonly MetricEventRow[]): Promise<{ stored: number; duplicates: number }> {
    // A repeated id inside one batch is a duplicate too (and ON CONFLICT DO NOTHING handles it in one statement).
    if (input.length === 0) return { stored: 0, duplicates: 0 };
    const result = await this.pg.db().query(
      `INSERT INTO metric_events (tenant, id, environment, event, unit, value, ts, received_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::double precision[], $7::bigint[], $8::bigint[])
       ON CONFLICT (tenant, id) DO NOTHING`,
      [
        input.map((r) => r.tenant),
        input.map((r) => r.id),
        input.map((r) => r.environment),
        input.map((r) => r.event),
        input.map((r) => r.unit),
        input.map((r) => r.value),
        input.map((r) => r.ts),
        input.map((r) => r.receivedAt),
      ],
    );
    const stored = result.rowCount ?? 0;
    return { stored, duplicates: input.length - stored };
  }

  async commitAt(tenant: string, revision: number): Promise<string | null> {
    const { rows } = await this.pg.db().query<{ commit_sha: string }>(
      'SELECT commit_sha FROM revisions WHERE tenant = $1 AND revision <= $2 AND commit_sha IS NOT NULL ORDER BY revision DESC LIMIT 1',
      [tenant, revision],
    );
    return rows[0]?.commit_sha ?? null;
  }

  async allocations(tenant: string, experiment: string): Promise<AllocationRow[]> {
    const { rows } = await this.pg.db().query<AllocationDbRow>(
      `SELECT tenant, experiment, environment, revision, weights, commit_sha, first_seen FROM experiment_allocations
       WHERE tenant = $1 AND experiment = $2 ORDER BY revision`,
      [tenant, experiment],
    );
    return rows.map(toAllocationRow);
  }

  async metricSummary(q: MetricQuery): Promise<MetricSummary> {
    const values = { ...q, window: q.windowMs };
    const [summary, summaryParams] = positional((p) => summarySql(p, 'LEAST'), values);
    const [range, rangeParams] = positional(eventsInRangeSql, values);
    const { rows } = await this.pg.db().query<SummaryDbRow>(summary, summaryParams);
    const counted = await this.pg.db().query<{ n: string | number }>(range, rangeParams);
    return toMetricSummary(rows, Number(counted.rows[0]?.n ?? 0));
  }

  async prune(before: number, keep: RetentionKeep): Promise<{ events: number; exposures: number }> {
    const events =
      (
        await this.pg.db().query(
          `DELETE FROM metric_events e WHERE e.received_at < $1 AND NOT EXISTS (
             SELECT 1 FROM unnest($2::text[], $3::text[], $4::text[]) AS k(tenant, environment, event)
             WHERE k.tenant = e.tenant AND k.environment = e.environment AND k.event = e.event)`,
          [before, keep.events.map((k) => k.tenant), keep.events.map((k) => k.environment), keep.events.map((k) => k.event)],
        )
      ).rowCount ?? 0;
    const exposures =
      (
        await this.pg.db().query(
          `DELETE FROM exposures x WHERE x.first_at < $1 AND NOT EXISTS (
             SELECT 1 FROM unnest($2::text[], $3::text[]) AS k(tenant, experiment) WHERE k.tenant = x.tenant AND k.experiment = x.experiment)`,
          [before, keep.experiments.map((k) => k.tenant), keep.experiments.map((k) => k.experiment)],
        )
      ).rowCount ?? 0;
    return { events, exposures };
  }
}
