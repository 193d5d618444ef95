import type { FlagUsage, UsageStore } from './usage-store.js';

const DAY_MS = 86_400_000;

/** The usage of one flag across its environments, as the API answers it (docs/api.md). */
export interface FlagUsageView {
  /** The latest evaluation ever recorded in any environment; null: never. */
  last_evaluated_at: string | null;
  /** Evaluations in the window (`days` UTC days up to and including today). */
  evaluations: number;
  environments: Record<string, { last_evaluated_at: string; evaluations: number }>;
}

export const NEVER_EVALUATED: FlagUsageView = Object.freeze({ last_evaluated_at: null, evaluations: 0, environments: Object.freeze({}) }) as FlagUsageView;

/** The first UTC day of a window of `days` days ending today. */
export function windowStart(now: number, days: number): string {
  const today = now - (now % DAY_MS);
  return new Date(today - (days - 1) * DAY_MS).toISOString().slice(0, 10);
}

/** Rows of the store (by flag, then environment) folded per flag. */
export function foldUsage(rows: readonly FlagUsage[]): Map<string, FlagUsageView> {
  const out = new Map<string, FlagUsageView>();
  for (const r of rows) {
    let view = out.get(r.flag);
    if (view === undefined) {
      view = { last_evaluated_at: null, evaluations: 0, environments: {} };
      out.set(r.flag, view);
    }
    view.evaluations += r.count;
    if (view.last_evaluated_at === null || r.lastEvaluatedAt > view.last_evaluated_at) view.last_evaluated_at = r.lastEvaluatedAt;
    view.environments[r.environment] = { last_evaluated_at: r.lastEvaluatedAt, evaluations: r.count };
  }
  return out;
}

/** A tenant's usage per flag over the last `days` days (flags never evaluated are absent). */
export async function tenantUsage(store: UsageStore, tenant: string, days: number, now: number, flags?: readonly string[]): Promise<Map<string, FlagUsageView>> {
  return foldUsage(await store.summary(tenant, windowStart(now, days), flags));
}

/** JSON schema of a FlagUsageView (route responses). */
export const flagUsageSchema = {
  type: 'object',
  required: ['last_evaluated_at', 'evaluations', 'environments'],
  properties: {
    last_evaluated_at: { type: ['string', 'null'], description: 'Latest evaluation recorded in any environment (null: never).' },
    evaluations: { type: 'integer', description: 'Evaluations in the window, every environment.' },
    environments: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['last_evaluated_at', 'evaluations'],
        properties: { last_evaluated_at: { type: 'string' }, evaluations: { type: 'integer' } },
      },
    },
  },
} as const;
