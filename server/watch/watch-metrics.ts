import { Counter, Gauge, type Registry } from 'prom-client';

export interface WatchMetrics {
  /** Every reconcile, by result: `ok` (every tenant folder applied or unchanged) or `failed`. */
  reconciles: Counter<'result'>;
  reconcileFailures: Counter;
  lastSuccess: Gauge;
  dbReloads: Counter<'trigger'>;
  indexStale: Gauge;
}

/** Registered on the app's own registry, beside the metrics of observability/metrics.ts. */
export function createWatchMetrics(registry: Registry): WatchMetrics {
  return {
    reconciles: new Counter({
      name: 'ff_watch_reconciles_total',
      help: 'Watch-mode reconciles of the flags directory, by result (ok: every tenant folder applied or unchanged; failed: at least one kept its last good state)',
      labelNames: ['result'],
      registers: [registry],
    }),
    reconcileFailures: new Counter({
      name: 'ff_watch_reconcile_failures_total',
      help: 'Watch-mode reconciles that left at least one tenant on its last good state (invalid files, unreadable directory, refused write)',
      registers: [registry],
    }),
    lastSuccess: new Gauge({
      name: 'ff_watch_last_success_timestamp_seconds',
      help: 'Unix time of the last watch-mode reconcile that applied every tenant folder',
      registers: [registry],
    }),
    dbReloads: new Counter({
      name: 'ff_index_db_reloads_total',
      help: 'Reloads of state or API keys committed by another process, by what noticed it (SQLite: fs_event, safety_net; PostgreSQL: notify, connect, safety_net)',
      labelNames: ['trigger'],
      registers: [registry],
    }),
    indexStale: new Gauge({
      name: 'ff_index_stale',
      help: "1 while this replica has lost the database's change feed (PostgreSQL): evaluation serves the last loaded index, which may be behind; 0 once reconnected and caught up",
      registers: [registry],
    }),
  };
}
