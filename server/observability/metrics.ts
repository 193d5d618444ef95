import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** One registry per app instance (never prom-client's global one), so tests and processes do not share counters. */
export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'route' | 'method' | 'status'>;
  httpDuration: Histogram<'route' | 'method' | 'status'>;
  evaluations: Counter<'tenant' | 'reason'>;
  indexRevision: Gauge<'tenant'>;
  indexReloadFailures: Counter<'tenant'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests by route template, method and status',
      labelNames: ['route', 'method', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency by route template, method and status',
      labelNames: ['route', 'method', 'status'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    evaluations: new Counter({
      name: 'ff_evaluations_total',
      help: 'Flag evaluations by tenant and reason',
      labelNames: ['tenant', 'reason'],
      registers: [registry],
    }),
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
  };
}
