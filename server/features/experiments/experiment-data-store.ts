// What experiments measure: exposures, metric events and the allocations
// exposures were recorded under. Promise-returning from the start (the
// PostgreSQL store is asynchronous; the SQLite one answers at once).
// Results are aggregated in SQL per unit, so a results call moves a few rows
// per variant and revision out of the database, never the exposures.
import type { Synchronous } from '../../db/sqlite-gate.js';
import type { Database as Db, Statement } from 'better-sqlite3';
import type { UnitAggregate } from '../../../core/experiments/index.js';

export type ExposureSource = 'server' | 'sdk';

export interface ExposureRow {
  tenant: string;
  environment: string;
  experiment: string;
  unit: string;
  variant: string;
  revision: number;
  commit: string | null;
  /** Epoch milliseconds. */
  at: number;
  source: ExposureSource;
}

export interface AllocationRow {
  tenant: string;
  experiment: string;
  environment: string;
  revision: number;
  weights: Record<string, number>;
  commit: string | null;
  firstSeen: number;
}

export interface MetricEventRow {
  tenant: string;
  environment: string;
  id: string;
  event: string;
  unit: string;
  value: number | null;
  ts: number;
  receivedAt: number;
}

export interface MetricQuery {
  tenant: string;
  environment: string;
  experiment: string;
  /** Epoch ms: exposures from here on count. */
  start: number;
  /** Epoch ms: exposures and events from here on do not count. */
  stop: number;
  event: string;
  /** Only events this long after a unit's first exposure count. */
  windowMs: number;
}

export interface MetricSummary {
  /** Per (variant, first revision, multi): core/experiments' aggregate, computed in SQL. */
  groups: UnitAggregate[];
  /** Events of the metric in the experiment's time range from units never exposed to it. */
  notExposed: number;
}

export interface ExperimentDataStore {
  /** Keeps the earliest exposure per (experiment, unit, variant). */
  recordExposures(rows: readonly ExposureRow[]): Promise<void>;
  /** The first allocation seen per (experiment, revision) is kept. */
  recordAllocations(rows: readonly AllocationRow[]): Promise<void>;
  /** Stores events whose (tenant, id) is new; a repeated id is a duplicate and changes nothing. */
  recordEvents(rows: readonly MetricEventRow[]): Promise<{ stored: number; duplicates: number }>;
  /** The commit of the latest Git apply at or before `revision` (null: none). */
  commitAt(tenant: string, revision: number): Promise<string | null>;
  allocations(tenant: string, experiment: string): Promise<AllocationRow[]>;
  metricSummary(q: MetricQuery): Promise<MetricSummary>;
  /**
   * Deletes events received and exposures first seen before `before` (epoch
   * ms), except what `keep` names: the exposures of experiments still
   * measuring and the events of their metrics, however old.
   */
  prune(before: number, keep: RetentionKeep): Promise<{ events: number; exposures: number }>;
}

/** What retention must not delete, whatever its age (ExperimentService.prune decides). */
export interface RetentionKeep {
  /** Their exposures stay. */
  experiments: readonly { tenant: string; experiment: string }[];
  /** Events of these metrics stay. */
  events: readonly { tenant: string; environment: string; event: string }[];
}

/** Large enough for "never", small enough to add to any epoch-ms time exactly. */
export const FOREVER_MS = 8_000_000_000_000_000;

export interface SummaryDbRow {
  variant: string;
  revision: number | string;
  multi: number | boolean;
  units: number | string;
  converted: number | string;
  sum: number | string | null;
  sum_squares: number | string | null;
  events: number | string | null;
  before: number | string | null;
  after: number | string | null;
  in_range: number | string | null;
}

export const toUnitAggregate = (r: SummaryDbRow): UnitAggregate => ({
  variant: r.variant,
  revision: Number(r.revision),
  multi: r.multi === true || Number(r.multi) === 1,
  units: Number(r.units),
  converted: Number(r.converted),
  sum: Number(r.sum ?? 0),
  sumSquares: Number(r.sum_squares ?? 0),
  events: Number(r.events ?? 0),
  before: Number(r.before ?? 0),
  after: Number(r.after ?? 0),
});

/**
 * The per-unit aggregation both stores run (parameters by name; `least` is
 * the dialect's two-argument minimum). Units: an experiment's exposures in
 * its time range grouped by unit; a unit is `multi` when it has rows for two
 * variants. Each unit's events of the metric are split into before its first
 * exposure, counted (from its first exposure until its window ends or the
 * experiment stops) and after; then units are summed per variant and revision.
 */
export const summarySql = (p: (name: string) => string, least: string) => `
WITH u AS (
  SELECT x.unit,
         CASE WHEN MIN(x.variant) = MAX(x.variant) THEN MIN(x.variant) ELSE (
           SELECT f.variant FROM exposures f
           WHERE f.tenant = ${p('tenant')} AND f.experiment = ${p('experiment')} AND f.unit = x.unit
           ORDER BY f.first_at, f.variant LIMIT 1) END AS variant,
         MIN(x.variant) <> MAX(x.variant) AS multi, MIN(x.revision) AS revision,
         MIN(x.first_at) AS first_at, ${least}(MIN(x.first_at) + ${p('window')}, ${p('stop')}) AS until
  FROM exposures x
  -- The unary + keeps SQLite on the primary key (already in unit order) rather than the first_at index.
  WHERE x.tenant = ${p('tenant')} AND x.experiment = ${p('experiment')} AND x.environment = ${p('environment')}
    AND +x.first_at >= ${p('start')} AND +x.first_at < ${p('stop')}
  GROUP BY x.unit
), m AS (
  SELECT u.variant, u.revision, u.multi,
         SUM(CASE WHEN e.ts >= u.first_at AND e.ts < u.until THEN 1 ELSE 0 END) AS n,
         SUM(CASE WHEN e.ts >= u.first_at AND e.ts < u.until THEN COALESCE(e.value, 0) ELSE 0 END) AS total,
         SUM(CASE WHEN e.ts < u.first_at THEN 1 ELSE 0 END) AS before,
         SUM(CASE WHEN e.ts >= u.until THEN 1 ELSE 0 END) AS after,
         SUM(CASE WHEN e.ts >= ${p('start')} AND e.ts < ${p('stop')} THEN 1 ELSE 0 END) AS in_range
  FROM u LEFT JOIN metric_events e
    ON e.tenant = ${p('tenant')} AND e.environment = ${p('environment')} AND e.event = ${p('event')} AND e.unit = u.unit
  GROUP BY u.unit, u.variant, u.revision, u.multi
)
SELECT variant, revision, multi, COUNT(*) AS units, SUM(CASE WHEN n > 0 THEN 1 ELSE 0 END) AS converted,
       SUM(total) AS sum, SUM(total * total) AS sum_squares, SUM(n) AS events, SUM(before) AS before, SUM(after) AS after,
       SUM(in_range) AS in_range
FROM m GROUP BY variant, revision, multi ORDER BY variant, revision, multi`;

/**
 * Every event of the metric in the experiment's time range (one range scan of
 * the covering index): minus those of exposed units (the summary's
 * `in_range`), it is the events of units never exposed — without probing the
 * exposures once per event.
 */
export const eventsInRangeSql = (p: (name: string) => string) => `
SELECT COUNT(*) AS n FROM metric_events e
WHERE e.tenant = ${p('tenant')} AND e.environment = ${p('environment')} AND e.event = ${p('event')}
  AND e.ts >= ${p('start')} AND e.ts < ${p('stop')}`;

/** The summary's rows and the range count as a MetricSummary. */
export function toMetricSummary(rows: readonly SummaryDbRow[], eventsInRange: number): MetricSummary {
  const exposedInRange = rows.reduce((s, r) => s + Number(r.in_range ?? 0), 0);
  return { groups: rows.map(toUnitAggregate), notExposed: eventsInRange - exposedInRange };
}

/** Synchronous, as every SQLite store: `createStores` puts it behind the gate (db/sqlite-gate.ts). */
export class SqliteExperimentDataStore implements Synchronous<ExperimentDataStore> {
  private readonly stmts: Record<string, Statement>;
  private readonly insertEvents;
  private readonly insertExposures;

  constructor(private readonly db: Db) {
    this.stmts = {
      exposure: db.prepare(
        `INSERT INTO exposures (tenant, experiment, unit, variant, environment, revision, commit_sha, first_at, source)
         VALUES (@tenant, @experiment, @unit, @variant, @environment, @revision, @commit, @at, @source)
         ON CONFLICT (tenant, experiment, unit, variant) DO UPDATE SET
           first_at = excluded.first_at, revision = excluded.revision, commit_sha = excluded.commit_sha, source = excluded.source
         WHERE excluded.first_at < exposures.first_at`,
      ),
      allocation: db.prepare(
        `INSERT INTO experiment_allocations (tenant, experiment, revision, environment, weights, commit_sha, first_seen)
         VALUES (@tenant, @experiment, @revision, @environment, @weights, @commit, @firstSeen)
         ON CONFLICT (tenant, experiment, revision) DO NOTHING`,
      ),
      event: db.prepare(
        `INSERT INTO metric_events (tenant, id, environment, event, unit, value, ts, received_at)
         VALUES (@tenant, @id, @environment, @event, @unit, @value, @ts, @receivedAt)
         ON CONFLICT (tenant, id) DO NOTHING`,
      ),
      commitAt: db.prepare(
        `SELECT commit_sha FROM revisions WHERE tenant = ? AND revision <= ? AND commit_sha IS NOT NULL ORDER BY revision DESC LIMIT 1`,
      ),
      allocations: db.prepare(
        `SELECT tenant, experiment, environment, revision, weights, commit_sha, first_seen FROM experiment_allocations
         WHERE tenant = ? AND experiment = ? ORDER BY revision`,
      ),
      summary: db.prepare(summarySql((n) => `@${n}`, 'MIN')),
      eventsInRange: db.prepare(eventsInRangeSql((n) => `@${n}`)),
      // The kept keys arrive as one JSON array each (json_each): a statement prepared once, whatever their number.
      pruneEvents: db.prepare(
        `DELETE FROM metric_events WHERE received_at < @before AND NOT EXISTS (
           SELECT 1 FROM json_each(@keep) k WHERE json_extract(k.value, '$[0]') = metric_events.tenant
             AND json_extract(k.value, '$[1]') = metric_events.environment AND json_extract(k.value, '$[2]') = metric_events.event)`,
      ),
      pruneExposures: db.prepare(
        `DELETE FROM exposures WHERE first_at < @before AND NOT EXISTS (
           SELECT 1 FROM json_each(@keep) k WHERE json_extract(k.value, '$[0]') = exposures.tenant AND json_extract(k.value, '$[1]') = exposures.experiment)`,
      ),
    };
    this.insertEvents = db.transaction((rows: readonly MetricEventRow[]) => {
      let stored = 0;
      for (const r of rows) stored += this.stmts.event!.run(r).changes;
      return stored;
    });
    this.insertExposures = db.transaction((rows: readonly ExposureRow[], allocations: readonly AllocationRow[]) => {
      for (const r of rows) this.stmts.exposure!.run(r);
      for (const a of allocations) this.stmts.allocation!.run({ ...a, weights: JSON.stringify(a.weights) });
    });
  }

  recordExposures(rows: readonly ExposureRow[]): void {
    this.insertExposures(rows, []);
  }

  recordAllocations(rows: readonly AllocationRow[]): void {
    this.insertExposures([], rows);
  }

  recordEvents(rows: readonly MetricEventRow[]): { stored: number; duplicates: number } {
    const stored = this.insertEvents(rows);
    return { stored, duplicates: rows.length - stored };
  }

  commitAt(tenant: string, revision: number): string | null {
    const row = this.stmts.commitAt!.get(tenant, revision) as { commit_sha: string } | undefined;
    return row?.commit_sha ?? null;
  }

  allocations(tenant: string, experiment: string): AllocationRow[] {
    const rows = this.stmts.allocations!.all(tenant, experiment) as AllocationDbRow[];
    return rows.map(toAllocationRow);
  }

  metricSummary(q: MetricQuery): MetricSummary {
    const params = { ...q, window: q.windowMs };
    delete (params as Partial<typeof params>).windowMs;
    const rows = this.stmts.summary!.all(params) as SummaryDbRow[];
    const inRange = Number((this.stmts.eventsInRange!.get({ tenant: q.tenant, environment: q.environment, event: q.event, start: q.start, stop: q.stop }) as { n: number }).n);
    return toMetricSummary(rows, inRange);
  }

  prune(before: number, keep: RetentionKeep): { events: number; exposures: number } {
    const events = this.stmts.pruneEvents!.run({ before, keep: JSON.stringify(keep.events.map((k) => [k.tenant, k.environment, k.event])) }).changes;
    const exposures = this.stmts.pruneExposures!.run({ before, keep: JSON.stringify(keep.experiments.map((k) => [k.tenant, k.experiment])) }).changes;
    return { events, exposures };
  }
}

export interface AllocationDbRow {
  tenant: string;
  experiment: string;
  environment: string;
  revision: number | string;
  weights: string | Record<string, number>;
  commit_sha: string | null;
  first_seen: number | string;
}

export const toAllocationRow = (r: AllocationDbRow): AllocationRow => ({
  tenant: r.tenant,
  experiment: r.experiment,
  environment: r.environment,
  revision: Number(r.revision),
  weights: typeof r.weights === 'string' ? (JSON.parse(r.weights) as Record<string, number>) : r.weights,
  commit: r.commit_sha,
  firstSeen: Number(r.first_seen),
});
