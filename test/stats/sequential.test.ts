// The always-valid interval under repeated looks on A/A data: both arms
// convert at the same rate, the analyst looks after every batch of units and
// stops at the first look whose interval excludes zero. The fixed-horizon
// 95% interval, looked at this way, "finds" an effect far more often than 5%;
// the sequential one stays at or below 5%. Seeded, so deterministic.
import { describe, expect, it } from 'vitest';
import { sequentialInterval, twoProportionZTest } from '../../core/stats/index.js';

/** mulberry32: a small seeded PRNG (uniform in [0, 1)). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function simulate(experiments: number, looks: number, perLook: number, rate: number, seed: number) {
  const random = prng(seed);
  let sequentialHits = 0;
  let peekingHits = 0;
  let sequentialPHits = 0;
  for (let e = 0; e < experiments; e++) {
    let n = 0;
    let xa = 0;
    let xb = 0;
    let seqFound = false;
    let peekFound = false;
    let pFound = false;
    for (let look = 0; look < looks; look++) {
      for (let i = 0; i < perLook; i++) {
        if (random() < rate) xa++;
        if (random() < rate) xb++;
      }
      n += perLook;
      const fixed = twoProportionZTest({ n, conversions: xa }, { n, conversions: xb });
      const variance = fixed.standardError ** 2;
      // Mixing scale: an absolute lift of 2 points is what this experiment hopes to see.
      const seq = sequentialInterval(fixed.effect, variance, 0.02 ** 2);
      if (fixed.interval.lower > 0 || fixed.interval.upper < 0) peekFound = true;
      if (seq.interval.lower > 0 || seq.interval.upper < 0) seqFound = true;
      if (seq.pValue < 0.05) pFound = true;
    }
    if (seqFound) sequentialHits++;
    if (peekFound) peekingHits++;
    if (pFound) sequentialPHits++;
  }
  return { sequential: sequentialHits / experiments, peeking: peekingHits / experiments, sequentialP: sequentialPHits / experiments };
}

describe('sequential interval on A/A data with repeated looks', () => {
  it('keeps the false-positive rate at or below 5% where peeking at the fixed interval does not', () => {
    // 2,000 A/A experiments, 10% conversion, 50 looks of 200 units per arm (10,000 per arm at the end).
    const rates = simulate(2000, 50, 200, 0.1, 20261203);
    if (process.env.FF_PRINT_RATES) console.log(rates);
    expect(rates.sequential).toBeLessThanOrEqual(0.05);
    expect(rates.sequentialP).toBeLessThanOrEqual(0.05);
    // Peeking at the fixed-horizon interval 50 times inflates the 5% several-fold.
    expect(rates.peeking).toBeGreaterThan(0.15);
  });

  it('an interval and its p-value agree: zero is outside exactly when p < alpha', () => {
    for (const effect of [-0.05, -0.01, 0, 0.003, 0.02, 0.2]) {
      const s = sequentialInterval(effect, 0.0001, 0.0004);
      expect(s.interval.lower > 0 || s.interval.upper < 0).toBe(s.pValue < 0.05);
    }
  });

  it('is wider than the fixed-horizon interval, and narrows as data accrues', () => {
    const small = sequentialInterval(0.01, 1e-4, 4e-4);
    const large = sequentialInterval(0.01, 1e-6, 4e-4);
    expect(small.interval.upper - small.interval.lower).toBeGreaterThan(2 * 1.96 * 1e-2);
    expect(large.interval.upper - large.interval.lower).toBeLessThan(small.interval.upper - small.interval.lower);
  });
});
