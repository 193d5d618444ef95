// Which evaluations are exposures. An evaluation exposes a unit to an
// experiment when the experiment's own rollout randomized it (reason SPLIT,
// from the experiment's rule or the default), served one of the compared
// variants, while the experiment runs. Targets and fixed rule variants are
// not randomized, so they never count: comparing them would compare
// audiences, not treatments.
import type { EvaluationResult } from '../engine/index.js';
import type { Experiment, TenantState } from '../model/index.js';
import { DEFAULT_UNIT, experimentWindow, findAllocation, isAllocation } from './allocation.js';

interface Watched {
  experiment: string;
  ruleId: string | undefined;
  unit: string;
  variants: ReadonlySet<string>;
  start: number;
  stop: number;
  weights: Readonly<Record<string, number>>;
}

/** The experiments of one environment, by flag key, compiled for the hot path. */
export class ExposureMatcher {
  private constructor(private readonly byFlag: ReadonlyMap<string, readonly Watched[]>) {}

  static readonly EMPTY = new ExposureMatcher(new Map());

  /** Experiments of `state` in `environment` whose allocation exists (invalid ones never match). */
  static build(state: Pick<TenantState, 'flags' | 'experiments'>, environment: string): ExposureMatcher {
    const experiments = (state.experiments ?? []).filter((e) => e.environment === environment);
    if (experiments.length === 0) return ExposureMatcher.EMPTY;
    const flags = new Map(state.flags.map((f) => [f.key, f]));
    const byFlag = new Map<string, Watched[]>();
    for (const e of experiments) {
      const flag = flags.get(e.flag);
      if (flag === undefined) continue;
      const allocation = findAllocation(flag, e);
      if (!isAllocation(allocation)) continue;
      const { start, stop } = experimentWindow(e);
      if (Number.isNaN(start) || Number.isNaN(stop)) continue;
      const list = byFlag.get(e.flag) ?? [];
      list.push({ experiment: e.key, ruleId: allocation.ruleId, unit: e.unit ?? DEFAULT_UNIT, variants: new Set(e.variants), start, stop, weights: allocation.weights });
      byFlag.set(e.flag, list);
    }
    return byFlag.size === 0 ? ExposureMatcher.EMPTY : new ExposureMatcher(byFlag);
  }

  /** The rollout weights of an experiment this matcher watches (what its SRM check expects at this revision). */
  weightsOf(flag: string, experiment: string): Readonly<Record<string, number>> | undefined {
    return this.byFlag.get(flag)?.find((w) => w.experiment === experiment)?.weights;
  }

  /** The variants an experiment this matcher watches compares. */
  variantsOf(flag: string, experiment: string): ReadonlySet<string> | undefined {
    return this.byFlag.get(flag)?.find((w) => w.experiment === experiment)?.variants;
  }

  get isEmpty(): boolean {
    return this.byFlag.size === 0;
  }

  /** The exposure an evaluation is, or undefined. `at` is epoch milliseconds. */
  match(result: EvaluationResult, context: unknown, at: number): Exposure | undefined {
    if (result.reason !== 'SPLIT' || result.variant === null || result.variant === undefined) return undefined;
    const watched = this.byFlag.get(result.flagKey);
    if (watched === undefined) return undefined;
    for (const w of watched) {
      if (w.ruleId !== result.ruleId || !w.variants.has(result.variant) || at < w.start || at >= w.stop) continue;
      const unit = unitValue(context, w.unit);
      if (unit === undefined) return undefined;
      return { experiment: w.experiment, flag: result.flagKey, variant: result.variant, unit };
    }
    return undefined;
  }
}

export interface Exposure {
  experiment: string;
  flag: string;
  variant: string;
  /** The randomization unit's value, as the rollout bucketed it. */
  unit: string;
}

/** The bucketing value as docs/bucketing.md reads it: a non-empty string, or a finite number as its decimal string. */
export function unitValue(context: unknown, attribute: string): string | undefined {
  if (typeof context !== 'object' || context === null) return undefined;
  const v = (context as Record<string, unknown>)[attribute];
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

export type { Experiment };
