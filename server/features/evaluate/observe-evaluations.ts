import type { EvaluationResult, Snapshot } from '../../../core/engine/index.js';
import type { Metrics } from '../../observability/metrics.js';

/** Evaluations a route has just served: one snapshot, one context, one or many results. */
export interface ServedEvaluations {
  readonly snapshot: Snapshot;
  readonly context: unknown;
  readonly results: readonly EvaluationResult[];
}

/**
 * Something that learns from served evaluations (metrics, usage counts,
 * experiment exposures). Called on the hot path, synchronously, after the
 * answer is computed: it must only touch memory — O(results), no I/O, never
 * throw — and buffer anything it persists for a background flush.
 */
export interface EvaluationObserver {
  observe(served: ServedEvaluations): void;
}

/** Every observer, in order; one call per request from each evaluation route. */
export function composeObservers(observers: readonly EvaluationObserver[]): EvaluationObserver {
  if (observers.length === 1) return observers[0] as EvaluationObserver;
  return {
    observe(served) {
      for (const o of observers) o.observe(served);
    },
  };
}

/** ff_evaluations_total, one increment per distinct reason rather than per flag. */
export function metricsObserver(metrics: Metrics): EvaluationObserver {
  return {
    observe({ snapshot, results }) {
      if (results.length === 1) {
        metrics.countEvaluations(snapshot.tenant, (results[0] as EvaluationResult).reason, 1);
        return;
      }
      const byReason = new Map<string, number>();
      for (const r of results) byReason.set(r.reason, (byReason.get(r.reason) ?? 0) + 1);
      for (const [reason, n] of byReason) metrics.countEvaluations(snapshot.tenant, reason, n);
    },
  };
}
