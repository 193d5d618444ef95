// Hypothesis tests and intervals for comparing a treatment with a control.
// Pure functions over summary statistics, so the server can aggregate in SQL
// and hand over a few numbers per variant. Effects are always treatment minus
// control.
import { chiSquareSf, normalQuantile, normalTwoSided, studentTQuantile, studentTTwoSided } from './distributions.js';

export interface Interval {
  lower: number;
  upper: number;
}

export interface Comparison {
  /** Treatment minus control, in the metric's units. */
  effect: number;
  /** effect / control's value; null when the control's value is 0. */
  relativeEffect: number | null;
  /** Fixed-horizon interval at the requested confidence (default 95%). */
  interval: Interval;
  /** Two-sided p-value of "no difference". */
  pValue: number;
  /** The test statistic (z or t). */
  statistic: number;
  /** Degrees of freedom (Welch) or Infinity (z). */
  df: number;
  /** Standard error of `effect`. */
  standardError: number;
}

export interface Proportion {
  /** Units. */
  n: number;
  /** Units that converted. */
  conversions: number;
}

const relative = (effect: number, base: number): number | null => (base === 0 ? null : effect / base);

/**
 * The two-proportion z-test (pooled standard error for the statistic, as R's
 * `prop.test(..., correct = FALSE)`, whose X-squared is this z squared), with
 * the unpooled Wald interval R reports for the difference.
 */
export function twoProportionZTest(control: Proportion, treatment: Proportion, confidence = 0.95): Comparison {
  const p1 = control.conversions / control.n;
  const p2 = treatment.conversions / treatment.n;
  const effect = p2 - p1;
  const pooled = (control.conversions + treatment.conversions) / (control.n + treatment.n);
  const pooledSe = Math.sqrt(pooled * (1 - pooled) * (1 / control.n + 1 / treatment.n));
  const se = Math.sqrt((p1 * (1 - p1)) / control.n + (p2 * (1 - p2)) / treatment.n);
  const z = pooledSe === 0 ? 0 : effect / pooledSe;
  const q = normalQuantile(1 - (1 - confidence) / 2);
  return {
    effect,
    relativeEffect: relative(effect, p1),
    interval: { lower: effect - q * se, upper: effect + q * se },
    pValue: pooledSe === 0 ? 1 : normalTwoSided(z),
    statistic: z,
    df: Infinity,
    standardError: se,
  };
}

export interface Sample {
  n: number;
  mean: number;
  /** Sample variance (n − 1 in the denominator). */
  variance: number;
}

/** A Sample from the count, sum and sum of squares (what SQL aggregates to). */
export function sampleFromSums(n: number, sum: number, sumOfSquares: number): Sample {
  const mean = n === 0 ? 0 : sum / n;
  const variance = n < 2 ? 0 : Math.max(0, (sumOfSquares - n * mean * mean) / (n - 1));
  return { n, mean, variance };
}

/** Welch's unequal-variances t-test, as R's `t.test(treatment, control)` (var.equal = FALSE). */
export function welchTTest(control: Sample, treatment: Sample, confidence = 0.95): Comparison {
  const a = control.variance / control.n;
  const b = treatment.variance / treatment.n;
  const se = Math.sqrt(a + b);
  const effect = treatment.mean - control.mean;
  // Welch–Satterthwaite.
  const df = (a + b) ** 2 / ((a * a) / (control.n - 1) + (b * b) / (treatment.n - 1));
  if (!(se > 0) || !Number.isFinite(df)) {
    return { effect, relativeEffect: relative(effect, control.mean), interval: { lower: effect, upper: effect }, pValue: effect === 0 ? 1 : 0, statistic: 0, df: 0, standardError: 0 };
  }
  const t = effect / se;
  const q = studentTQuantile(1 - (1 - confidence) / 2, df);
  return {
    effect,
    relativeEffect: relative(effect, control.mean),
    interval: { lower: effect - q * se, upper: effect + q * se },
    pValue: studentTTwoSided(t, df),
    statistic: t,
    df,
    standardError: se,
  };
}

export interface SequentialResult {
  /** Always-valid interval: covers the true effect at every look simultaneously with probability ≥ 1 − alpha. */
  interval: Interval;
  /** Always-valid p-value: the chance of ever seeing evidence this strong under "no difference" is at most this. */
  pValue: number;
}

/**
 * The mixture sequential probability ratio test (mSPRT) of Johari, Pekelis and
 * Walsh ("Always valid inference", 2017) with a normal mixing distribution of
 * variance `mixingVariance` (τ²) over the effect, for an asymptotically normal
 * estimate `effect` with variance `variance` (V). The likelihood ratio against
 * effect θ₀ is
 *
 *   Λ(θ₀) = sqrt(V / (V + τ²)) · exp(τ² (effect − θ₀)² / (2 V (V + τ²)))
 *
 * and {θ₀ : Λ(θ₀) < 1/α} is a confidence sequence: it may be looked at after
 * every unit without the false-positive rate exceeding α (Ville's inequality).
 * τ is best near the effect one hopes to detect; a poor choice costs power,
 * never validity.
 */
export function sequentialInterval(effect: number, variance: number, mixingVariance: number, alpha = 0.05): SequentialResult {
  if (!(variance > 0) || !(mixingVariance > 0)) return { interval: { lower: -Infinity, upper: Infinity }, pValue: 1 };
  const v = variance;
  const t2 = mixingVariance;
  const halfWidth = Math.sqrt(((v * (v + t2)) / t2) * (Math.log((v + t2) / v) + 2 * Math.log(1 / alpha)));
  const logLambda = 0.5 * Math.log(v / (v + t2)) + (t2 * effect * effect) / (2 * v * (v + t2));
  return {
    interval: { lower: effect - halfWidth, upper: effect + halfWidth },
    pValue: Math.min(1, Math.exp(-logLambda)),
  };
}

export interface SrmResult {
  chiSquare: number;
  df: number;
  pValue: number;
  /** Expected unit counts from the allocation. */
  expected: number[];
}

/**
 * Sample-ratio mismatch: Pearson's chi-square goodness of fit of the units per
 * variant against the allocation's weights (R's `chisq.test(x, p = w / sum(w))`).
 */
export function sampleRatioMismatch(observed: readonly number[], weights: readonly number[]): SrmResult {
  const total = observed.reduce((s, x) => s + x, 0);
  const weightSum = weights.reduce((s, w) => s + w, 0);
  const expected = weights.map((w) => (total * w) / weightSum);
  let chiSquare = 0;
  observed.forEach((x, i) => {
    const e = expected[i] as number;
    if (e > 0) chiSquare += (x - e) ** 2 / e;
  });
  const df = observed.length - 1;
  return { chiSquare, df, pValue: total === 0 || df < 1 ? 1 : chiSquareSf(chiSquare, df), expected };
}

/** Below this SRM p-value the assignment is broken and the results are not to be trusted (the usual 0.001). */
export const SRM_THRESHOLD = 0.001;
