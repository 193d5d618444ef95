import type { EvaluationResult } from '../../../core/engine/index.js';
import type { Metrics } from '../../observability/metrics.js';

/** ff_evaluations_total, one increment per distinct reason rather than per flag. */
export function countEvaluations(metrics: Metrics, tenant: string, results: readonly EvaluationResult[]): void {
  if (results.length === 1) {
    metrics.countEvaluations(tenant, (results[0] as EvaluationResult).reason, 1);
    return;
  }
  const byReason = new Map<string, number>();
  for (const r of results) byReason.set(r.reason, (byReason.get(r.reason) ?? 0) + 1);
  for (const [reason, n] of byReason) metrics.countEvaluations(tenant, reason, n);
}
