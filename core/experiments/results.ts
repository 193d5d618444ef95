// An experiment's results from per-unit aggregates (what the store sums in
// SQL): per variant and metric the units and the rate or mean, each
// treatment against the control with a 95% interval and p-value, an
// always-valid interval that may be looked at daily, the sample-ratio check,
// what was dropped and why, and — when the allocation changed — the same per
// allocation period. Pure: the server and the tests call it with numbers.
import type { Experiment, Metric } from '../model/index.js';
import {
  SRM_THRESHOLD,
  sampleFromSums,
  sampleRatioMismatch,
  sequentialInterval,
  twoProportionZTest,
  welchTTest,
  type Interval,
} from '../stats/index.js';
import { DEFAULT_MDE, experimentWindow } from './allocation.js';

/** One group of units as aggregated: same variant, first exposed under one revision. */
export interface UnitAggregate {
  variant: string;
  revision: number;
  /** Units that saw more than one variant (`variant`: the one they saw first). */
  multi: boolean;
  units: number;
  converted: number;
  sum: number;
  sumSquares: number;
  events: number;
  before: number;
  after: number;
}

export interface MetricAggregates {
  groups: readonly UnitAggregate[];
  notExposed: number;
}

export interface AllocationAt {
  revision: number;
  weights: Readonly<Record<string, number>>;
  commit: string | null;
}

export interface VariantResult {
  variant: string;
  units: number;
  /** conversion: units that converted. */
  conversions?: number;
  /** conversion: the rate; mean: the mean per unit. */
  value: number;
  /** mean: the standard deviation per unit. */
  standardDeviation?: number;
}

/**
 * An interval as results carry it: `null` for an end without a bound (the
 * always-valid interval is unbounded until both variants have variance).
 * JSON has no infinity; a bare number type would serialize it as a silent
 * null that readers take for a number.
 */
export interface ResultInterval {
  lower: number | null;
  upper: number | null;
}

const bounded = (x: number): number | null => (Number.isFinite(x) ? x : null);
const toResultInterval = (i: Interval): ResultInterval => ({ lower: bounded(i.lower), upper: bounded(i.upper) });

export interface ComparisonResult {
  variant: string;
  /** Treatment minus control (absolute: a rate difference, or a difference of means). */
  effect: number;
  relativeEffect: number | null;
  /** 95% fixed-horizon interval of `effect`: valid if looked at once, at a horizon fixed in advance. */
  interval: ResultInterval;
  pValue: number;
  test: 'two-proportion z-test' | "Welch's t-test";
  /** Always-valid 95% interval (mSPRT): valid at every look. */
  sequentialInterval: ResultInterval;
  sequentialPValue: number;
  /** The always-valid interval excludes zero. */
  significant: boolean;
}

export interface DroppedEvents {
  /** Events of exposed units sent before their first exposure. */
  beforeExposure: number;
  /** Events after the unit's window, or after the experiment stopped. */
  afterWindow: number;
  /** Events of units excluded for seeing more than one variant. */
  multipleVariants: number;
  /** Events in the experiment's time range from units never exposed. */
  notExposed: number;
}

export interface MetricResult {
  role: 'primary' | 'guardrail';
  event: string;
  type: Metric['type'];
  windowHours: number | null;
  variants: VariantResult[];
  comparisons: ComparisonResult[];
  countedEvents: number;
  droppedEvents: DroppedEvents;
}

export interface SrmResultView {
  observed: Record<string, number>;
  expected: Record<string, number>;
  chiSquare: number;
  df: number;
  pValue: number;
  /** p below 0.001: the assignment is broken and the results must not be trusted. */
  mismatch: boolean;
}

export interface UnitCounts {
  /** Distinct units exposed to any compared variant. */
  exposed: number;
  /** Units analyzed (exactly one variant). */
  analyzed: number;
  /** Units exposed to more than one variant: excluded from every metric. */
  multipleVariants: number;
}

export interface PeriodResult {
  /** Revisions (first to last) under which units of this period were first exposed. */
  fromRevision: number;
  toRevision: number | null;
  weights: Record<string, number>;
  commits: string[];
  units: UnitCounts;
  srm: SrmResultView | null;
  metrics: MetricResult[];
}

export interface ExperimentResults {
  experiment: string;
  flag: string;
  environment: string;
  hypothesis: string | null;
  /** Control first. */
  variants: string[];
  status: 'scheduled' | 'running' | 'stopped';
  start: string;
  stop: string | null;
  minimumDetectableEffect: number;
  /** ISO time of the computation. */
  computedAt: string;
  units: UnitCounts;
  srm: SrmResultView | null;
  metrics: MetricResult[];
  /** The allocation periods, oldest first; more than one when the rollout's weights changed while it ran. */
  periods: PeriodResult[];
  /** Things a reader must know before trusting the numbers, loudest first. */
  warnings: string[];
}

export interface AnalyzeInput {
  experiment: Experiment;
  allocations: readonly AllocationAt[];
  /** Aggregates per metric, in order: primary, then guardrails. */
  metrics: readonly MetricAggregates[];
  /** Epoch ms of the computation. */
  now: number;
}

function sameWeights(a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>, variants: readonly string[]): boolean {
  const total = (w: Readonly<Record<string, number>>) => variants.reduce((s, v) => s + (w[v] ?? 0), 0);
  const ta = total(a);
  const tb = total(b);
  return variants.every((v) => Math.abs((a[v] ?? 0) / ta - (b[v] ?? 0) / tb) < 1e-12);
}

interface Period {
  from: number;
  to: number | null;
  weights: Readonly<Record<string, number>>;
  commits: Set<string>;
  revisions: Set<number>;
}

/** Consecutive revisions with the same share per compared variant form one period. */
function periodsOf(allocations: readonly AllocationAt[], variants: readonly string[]): Period[] {
  const periods: Period[] = [];
  for (const a of [...allocations].sort((x, y) => x.revision - y.revision)) {
    const last = periods[periods.length - 1];
    if (last !== undefined && sameWeights(last.weights, a.weights, variants)) {
      last.revisions.add(a.revision);
      if (a.commit !== null) last.commits.add(a.commit);
      continue;
    }
    if (last !== undefined) last.to = a.revision - 1;
    periods.push({ from: a.revision, to: null, weights: a.weights, commits: new Set(a.commit === null ? [] : [a.commit]), revisions: new Set([a.revision]) });
  }
  return periods;
}

function periodIndex(periods: readonly Period[], revision: number): number {
  let index = 0;
  for (let i = 0; i < periods.length; i++) if ((periods[i] as Period).from <= revision) index = i;
  return index;
}

function analyzeMetric(metric: Metric, role: MetricResult['role'], groups: readonly UnitAggregate[], notExposed: number, experiment: Experiment, mde: number): MetricResult {
  const variants = experiment.variants;
  const per = new Map(variants.map((v) => [v, { units: 0, converted: 0, sum: 0, sumSquares: 0 }]));
  let counted = 0;
  const dropped: DroppedEvents = { beforeExposure: 0, afterWindow: 0, multipleVariants: 0, notExposed };
  for (const g of groups) {
    if (g.multi) {
      dropped.multipleVariants += g.events + g.before + g.after;
      continue;
    }
    const p = per.get(g.variant);
    if (p === undefined) continue;
    p.units += g.units;
    p.converted += g.converted;
    p.sum += g.sum;
    p.sumSquares += g.sumSquares;
    counted += g.events;
    dropped.beforeExposure += g.before;
    dropped.afterWindow += g.after;
  }
  const variantResults: VariantResult[] = variants.map((v) => {
    const p = per.get(v) as { units: number; converted: number; sum: number; sumSquares: number };
    if (metric.type === 'conversion') return { variant: v, units: p.units, conversions: p.converted, value: p.units === 0 ? 0 : p.converted / p.units };
    const s = sampleFromSums(p.units, p.sum, p.sumSquares);
    return { variant: v, units: p.units, value: s.mean, standardDeviation: Math.sqrt(s.variance) };
  });
  const control = per.get(variants[0]) as { units: number; converted: number; sum: number; sumSquares: number };
  const comparisons: ComparisonResult[] = [];
  for (const v of variants.slice(1)) {
    const t = per.get(v) as typeof control;
    if (control.units < 2 || t.units < 2) continue;
    const fixed =
      metric.type === 'conversion'
        ? twoProportionZTest({ n: control.units, conversions: control.converted }, { n: t.units, conversions: t.converted })
        : welchTTest(sampleFromSums(control.units, control.sum, control.sumSquares), sampleFromSums(t.units, t.sum, t.sumSquares));
    // The mixing scale: the minimum detectable effect relative to the control's level (or the pooled level when the control's is 0).
    const controlLevel = metric.type === 'conversion' ? control.converted / control.units : control.sum / control.units;
    const pooledLevel = metric.type === 'conversion' ? (control.converted + t.converted) / (control.units + t.units) : (control.sum + t.sum) / (control.units + t.units);
    const level = Math.abs(controlLevel) > 0 ? Math.abs(controlLevel) : Math.abs(pooledLevel);
    const seq = sequentialInterval(fixed.effect, fixed.standardError ** 2, (mde * level) ** 2);
    comparisons.push({
      variant: v,
      effect: fixed.effect,
      relativeEffect: fixed.relativeEffect,
      interval: toResultInterval(fixed.interval),
      pValue: fixed.pValue,
      test: metric.type === 'conversion' ? 'two-proportion z-test' : "Welch's t-test",
      sequentialInterval: toResultInterval(seq.interval),
      sequentialPValue: seq.pValue,
      significant: seq.interval.lower > 0 || seq.interval.upper < 0,
    });
  }
  return { role, event: metric.event, type: metric.type, windowHours: metric.windowHours ?? null, variants: variantResults, comparisons, countedEvents: counted, droppedEvents: dropped };
}

function srmOf(variants: readonly string[], observed: ReadonlyMap<string, number>, expectedShare: ReadonlyMap<string, number>): SrmResultView | null {
  const counts = variants.map((v) => observed.get(v) ?? 0);
  const total = counts.reduce((s, x) => s + x, 0);
  if (total === 0) return null;
  const shares = variants.map((v) => expectedShare.get(v) ?? 0);
  if (shares.some((s) => !(s > 0))) return null;
  const r = sampleRatioMismatch(counts, shares);
  return {
    observed: Object.fromEntries(variants.map((v, i) => [v, counts[i] as number])),
    expected: Object.fromEntries(variants.map((v, i) => [v, r.expected[i] as number])),
    chiSquare: r.chiSquare,
    df: r.df,
    pValue: r.pValue,
    mismatch: r.pValue < SRM_THRESHOLD,
  };
}

function unitCounts(groups: readonly UnitAggregate[]): UnitCounts {
  let analyzed = 0;
  let multi = 0;
  for (const g of groups) {
    if (g.multi) multi += g.units;
    else analyzed += g.units;
  }
  return { exposed: analyzed + multi, analyzed, multipleVariants: multi };
}

/**
 * Units per variant as first assigned, for the sample-ratio check: units that
 * later saw another variant count under their first one, because dropping
 * them (as the metrics must) would itself skew the ratio.
 */
function observedUnits(groups: readonly UnitAggregate[]): Map<string, number> {
  const observed = new Map<string, number>();
  for (const g of groups) observed.set(g.variant, (observed.get(g.variant) ?? 0) + g.units);
  return observed;
}

function shareOf(weights: Readonly<Record<string, number>>, variants: readonly string[]): Map<string, number> {
  const total = variants.reduce((s, v) => s + (weights[v] ?? 0), 0);
  return new Map(variants.map((v) => [v, total > 0 ? (weights[v] ?? 0) / total : 0]));
}

export function analyzeExperiment(input: AnalyzeInput): ExperimentResults {
  const { experiment, now } = input;
  const variants = experiment.variants;
  const mde = experiment.minimumDetectableEffect ?? DEFAULT_MDE;
  const roles: { metric: Metric; role: MetricResult['role'] }[] = [
    { metric: experiment.metrics.primary, role: 'primary' },
    ...(experiment.metrics.guardrails ?? []).map((metric) => ({ metric, role: 'guardrail' as const })),
  ];
  const primaryGroups = input.metrics[0]?.groups ?? [];
  const periods = periodsOf(input.allocations, variants);

  const analyzeGroups = (pick: (g: UnitAggregate) => boolean, withUnexposed: boolean) =>
    roles.map(({ metric, role }, i) => {
      const m = input.metrics[i] ?? { groups: [], notExposed: 0 };
      return analyzeMetric(metric, role, m.groups.filter(pick), withUnexposed ? m.notExposed : 0, experiment, mde);
    });

  // Overall SRM: each period's units are expected in that period's shares.
  let overallSrm: SrmResultView | null = null;
  const periodResults: PeriodResult[] = [];
  if (periods.length > 0) {
    const expected = new Map<string, number>(variants.map((v) => [v, 0]));
    const total = [...observedUnits(primaryGroups).values()].reduce((s, x) => s + x, 0);
    periods.forEach((period, index) => {
      const inPeriod = (g: UnitAggregate) => periodIndex(periods, g.revision) === index;
      const groups = primaryGroups.filter(inPeriod);
      const observed = observedUnits(groups);
      const n = [...observed.values()].reduce((s, x) => s + x, 0);
      const share = shareOf(period.weights, variants);
      for (const v of variants) expected.set(v, (expected.get(v) ?? 0) + (total > 0 ? (n / total) * (share.get(v) ?? 0) : 0));
      periodResults.push({
        fromRevision: period.from,
        toRevision: period.to,
        weights: Object.fromEntries(variants.map((v) => [v, period.weights[v] ?? 0])),
        commits: [...period.commits],
        units: unitCounts(groups),
        srm: srmOf(variants, observed, share),
        metrics: periods.length > 1 ? analyzeGroups(inPeriod, false) : [],
      });
    });
    overallSrm = srmOf(variants, observedUnits(primaryGroups), expected);
  }
  const units = unitCounts(primaryGroups);
  const metrics = analyzeGroups(() => true, true);
  const { start, stop } = experimentWindow(experiment);
  const status = now < start ? 'scheduled' : now >= stop ? 'stopped' : 'running';

  const warnings: string[] = [];
  // Where the ratio is off, each with its own p-value: a single period can mismatch while the pooled check passes.
  const mismatches: string[] = [];
  if (overallSrm?.mismatch) mismatches.push(`${periodResults.length > 1 ? 'overall, ' : ''}p = ${overallSrm.pValue.toExponential(2)}`);
  if (periodResults.length > 1) {
    for (const p of periodResults) {
      if (!p.srm?.mismatch) continue;
      const revisions = p.toRevision === null ? `revision ${p.fromRevision} on` : p.toRevision === p.fromRevision ? `revision ${p.fromRevision}` : `revisions ${p.fromRevision}–${p.toRevision}`;
      mismatches.push(`${revisions}, p = ${p.srm.pValue.toExponential(2)}`);
    }
  }
  if (mismatches.length > 0) {
    warnings.push(
      `SAMPLE RATIO MISMATCH (${mismatches.join('; ')}): the units per variant do not match the rollout's weights. Assignment or exposure logging is broken; do not trust these results until the cause is found.`,
    );
  }
  if (periods.length > 1) warnings.push(`The allocation changed ${periods.length - 1} time(s) while the experiment ran: read the results per period; the pooled figures mix allocations.`);
  if (units.multipleVariants > 0) warnings.push(`${units.multipleVariants} unit(s) saw more than one variant and are excluded from every metric.`);
  const smallest = Math.min(...(metrics[0]?.variants.map((v) => v.units) ?? [0]));
  if (smallest < 100) warnings.push(`Fewer than 100 units in some variant (${smallest}): the normal approximations behind the intervals are rough.`);

  return {
    experiment: experiment.key,
    flag: experiment.flag,
    environment: experiment.environment,
    hypothesis: experiment.hypothesis ?? null,
    variants: [...variants],
    status,
    start: experiment.start,
    stop: experiment.stop ?? null,
    minimumDetectableEffect: mde,
    computedAt: new Date(now).toISOString(),
    units,
    srm: overallSrm,
    metrics,
    periods: periodResults,
    warnings,
  };
}
