import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { RequestMetrics } from './request-metrics.js';

/** Upper bounds of http_request_duration_seconds, in seconds. */
export const REQUEST_DURATION_BUCKETS: readonly number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** One registry per app instance (never prom-client's global one), so tests and processes do not share counters. */
export interface Metrics {
  registry: Registry;
  /** http_requests_total and http_request_duration_seconds, by route template, method and status. */
  requests: RequestMetrics;
  evaluations: Counter<'tenant' | 'reason'>;
  /** Adds to ff_evaluations_total at the next scrape (the hot path's way to count). */
  countEvaluations(tenant: string, reason: string, n: number): void;
  indexRevision: Gauge<'tenant'>;
  indexReloadFailures: Counter<'tenant'>;
  /** Evaluations per flag, added when the usage recorder flushes (never on the hot path). */
  flagEvaluations: Counter<'tenant' | 'environment' | 'flag'>;
  /** Usage flushes by result (`ok`, `error`). */
  usageFlushes: Counter<'result'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // Evaluations are counted per request in a Map and added to the counter
  // when it is scraped (its collect hook): prom-client's inc re-validates and
  // re-hashes the label set on every call, a few hundred ns per request.
  const pendingEvaluations = new Map<string, { labels: { tenant: string; reason: string }; n: number }>();
  const evaluations: Counter<'tenant' | 'reason'> = new Counter({
    name: 'ff_evaluations_total',
    help: 'Flag evaluations by tenant and reason',
    labelNames: ['tenant', 'reason'],
    registers: [registry],
    collect() {
      for (const p of pendingEvaluations.values()) {
        if (p.n > 0) evaluations.inc(p.labels, p.n);
        p.n = 0;
      }
    },
  });
  return {
    registry,
    requests: new RequestMetrics(registry, REQUEST_DURATION_BUCKETS),
    evaluations,
    countEvaluations: (tenant, reason, n) => {
      const id = `${tenant}\u0000${reason}`;
      const p = pendingEvaluations.get(id);
      if (p === undefined) pendingEvaluations.set(id, { labels: { tenant, reason }, n });
      else p.n += n;
    },
    indexRevision: new Gauge({
      name: 'ff_index_revision',
      help: 'Revision of each tenant held by the in-memory evaluation index',
      labelNames: ['tenant'],
      registers: [registry],
    }),
    indexReloadFailures: new Counter({
      name: 'ff_index_reload_failures_total',
      help: 'Times building a tenant snapshot failed (the previous one kept serving)',
      labelNames: ['tenant'],
      registers: [registry],
    }),
    flagEvaluations: new Counter({
      name: 'ff_flag_evaluations_total',
      help: 'Flag evaluations by tenant, environment and flag, counted when this process flushes its usage counts',
      labelNames: ['tenant', 'environment', 'flag'],
      registers: [registry],
    }),
    usageFlushes: new Counter({
      name: 'ff_usage_flushes_total',
      help: 'Background flushes of usage counts to the database, by result (a failed one is retried with the next)',
      labelNames: ['result'],
      registers: [registry],
    }),
  };
}
