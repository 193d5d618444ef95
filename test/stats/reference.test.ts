// The statistics against published reference values. Each row names the R
// call; the expected numbers are that call's output to full double precision.
// R is not installed on the build machine, so the full-precision digits were
// produced with SciPy 1.17.1 (stats.norm, stats.t, stats.chisquare, and
// ttest_ind(equal_var=False)), which implement the same definitions; the
// 4-5 digits R prints were checked against them by hand where we have R's
// printed output (the `sleep` example of ?t.test: t = -1.8608, df = 17.776,
// p-value = 0.07939, CI -3.3654832 0.2054832).
import { describe, expect, it } from 'vitest';
import {
  chiSquareSf,
  normalCdf,
  normalQuantile,
  sampleFromSums,
  sampleRatioMismatch,
  studentTCdf,
  studentTQuantile,
  twoProportionZTest,
  welchTTest,
} from '../../core/stats/index.js';

const close = (actual: number, expected: number, rel = 1e-9) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(1e-300, Math.abs(expected)) + 1e-14);

describe('distribution functions', () => {
  // | R call                   | value                 |
  const table: [string, number, number][] = [
    ['pnorm(-1.96)', normalCdf(-1.96), 0.024997895148220435],
    ['pnorm(-8)', normalCdf(-8), 6.22096057427174e-16],
    ['qnorm(0.975)', normalQuantile(0.975), 1.959963984540054],
    ['pt(2, 3)', studentTCdf(2, 3), 0.9303370157205785],
    ['pt(-1.8608, 17.776)', studentTCdf(-1.8608, 17.776), 0.03969828906988993],
    ['pt(-40, 2.5)', studentTCdf(-40, 2.5), 7.09781714524669e-5],
    ['qt(0.975, 17.776)', studentTQuantile(0.975, 17.776), 2.102821310380221],
    ['qt(0.975, 1)', studentTQuantile(0.975, 1), 12.706204736174694],
    ['pchisq(10, 3, lower.tail = FALSE)', chiSquareSf(10, 3), 0.01856613546304325],
  ];
  it.each(table)('%s', (_call, actual, expected) => close(actual, expected, 1e-10));
});

describe('two-proportion z-test = prop.test(c(treatment, control), n, correct = FALSE)', () => {
  // | R call | X-squared | p-value | 95% CI of treatment − control |
  const table = [
    { call: 'prop.test(c(130, 100), c(1000, 1000), correct = FALSE)', t: [130, 1000], c: [100, 1000], x2: 4.421518054532055, p: 0.03548845046647471, ci: [0.0020679344393763656, 0.057932065560623636] },
    { call: 'prop.test(c(520, 480), c(10000, 10000), correct = FALSE)', t: [520, 10000], c: [480, 10000], x2: 1.6842105263157867, p: 0.1943659108031094, ci: [-0.0020407603519373013, 0.010040760351937295] },
    { call: 'prop.test(c(15, 9), c(50, 60), correct = FALSE)', t: [15, 50], c: [9, 60], x2: 3.5973837209302326, p: 0.057870578343710496, ci: [-0.005875678156954112, 0.3058756781569541] },
  ] as const;
  it.each(table)('$call', ({ t, c, x2, p, ci }) => {
    const r = twoProportionZTest({ conversions: c[0], n: c[1] }, { conversions: t[0], n: t[1] });
    close(r.statistic ** 2, x2);
    close(r.pValue, p);
    close(r.interval.lower, ci[0]);
    close(r.interval.upper, ci[1]);
  });
});

describe("Welch's t-test = t.test(treatment, control)", () => {
  const stats = (xs: number[]) => sampleFromSums(xs.length, xs.reduce((s, x) => s + x, 0), xs.reduce((s, x) => s + x * x, 0));
  // | R call | t | df | p-value | 95% CI |
  const table = [
    {
      call: 't.test(extra ~ group, data = sleep)',
      t: [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0],
      c: [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4],
      stat: -1.8608134674868526, df: 17.776473516178495, p: 0.0793941401873583, ci: [-3.36548323071171, 0.2054832307117107],
    },
    {
      call: 't.test(c(12.1, 14.3, 11.8, 15.2, 13.9, 12.7, 14.8), c(10.2, 11.9, 10.8, 12.4, 11.1, 9.8, 12.0, 11.5, 10.4))',
      t: [12.1, 14.3, 11.8, 15.2, 13.9, 12.7, 14.8],
      c: [10.2, 11.9, 10.8, 12.4, 11.1, 9.8, 12.0, 11.5, 10.4],
      stat: 4.108956351595505, df: 9.939842662566578, p: 0.00214104509964718, ci: [1.1069342773334792, 3.7343355639363627],
    },
  ];
  it.each(table)('$call', ({ t, c, stat, df, p, ci }) => {
    const r = welchTTest(stats(c), stats(t));
    close(r.statistic, stat, 1e-8);
    close(r.df, df, 1e-8);
    close(r.pValue, p, 1e-8);
    close(r.interval.lower, ci[0] as number, 1e-8);
    close(r.interval.upper, ci[1] as number, 1e-8);
  });
});

describe('sample-ratio mismatch = chisq.test(x, p = weights)', () => {
  // | R call | X-squared | p-value |
  const table = [
    { call: 'chisq.test(c(5050, 4950), p = c(0.5, 0.5))', x: [5050, 4950], w: [50, 50], x2: 1, p: 0.31731050786291115 },
    { call: 'chisq.test(c(1050, 950, 1000), p = c(1, 1, 1) / 3)', x: [1050, 950, 1000], w: [1, 1, 1], x2: 5, p: 0.0820849986238988 },
    { call: 'chisq.test(c(5200, 4800), p = c(0.5, 0.5))', x: [5200, 4800], w: [1, 1], x2: 16, p: 6.334248366623988e-5 },
    { call: 'chisq.test(c(2100, 7900), p = c(0.2, 0.8))', x: [2100, 7900], w: [20, 80], x2: 6.25, p: 0.01241933065155227 },
  ];
  it.each(table)('$call', ({ x, w, x2, p }) => {
    const r = sampleRatioMismatch(x, w);
    close(r.chiSquare, x2);
    close(r.pValue, p);
    expect(r.df).toBe(x.length - 1);
  });
});
