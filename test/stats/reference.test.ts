// The statistics against R (4.2.2, Debian's r-base-core). Each row names the
// R call and carries two things from it: the value to full double precision
// (sprintf("%.17g", ...) of the call's fields) and the output R prints, copied
// by hand from the console. The code must match the first to 1e-9 or better
// and the second to every printed digit. These values were
// first produced with SciPy 1.17.1 (stats.norm, stats.t, stats.chisquare,
// ttest_ind(equal_var=False)); R agrees with them to 1e-13.
//
// The code implements the uncorrected tests only (a z-test is prop.test with
// correct = FALSE; a goodness-of-fit chisq.test has no continuity correction),
// so prop.test's default correct = TRUE is not a reference here.
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

/** `actual` rounded to the digits R printed reads as R's printed text (R drops trailing zeros: "4.109" is 4.1090). */
function printed(actual: number, text: string): void {
  const [mantissa = '', exponent] = text.split('e');
  const decimals = mantissa.split('.')[1]?.length ?? 0;
  const rounded = exponent === undefined ? actual.toFixed(decimals) : actual.toExponential(decimals);
  expect(Number(rounded), text).toBe(Number(text));
}

describe('distribution functions', () => {
  // R printed, for the nine calls below as one vector:
  //   [1] 2.499790e-02 6.220961e-16 1.959964e+00 9.303370e-01 3.969829e-02
  //   [6] 7.097817e-05 2.102821e+00 1.270620e+01 1.856614e-02
  // | R call | code | R, %.17g | R printed |
  const table: [string, number, number, string][] = [
    ['pnorm(-1.96)', normalCdf(-1.96), 0.024997895148220428, '2.499790e-02'],
    ['pnorm(-8)', normalCdf(-8), 6.2209605742717849e-16, '6.220961e-16'],
    ['qnorm(0.975)', normalQuantile(0.975), 1.9599639845400536, '1.959964e+00'],
    ['pt(2, 3)', studentTCdf(2, 3), 0.93033701572057836, '9.303370e-01'],
    ['pt(-1.8608, 17.776)', studentTCdf(-1.8608, 17.776), 0.039698289069889925, '3.969829e-02'],
    ['pt(-40, 2.5)', studentTCdf(-40, 2.5), 7.0978171452466926e-5, '7.097817e-05'],
    ['qt(0.975, 17.776)', studentTQuantile(0.975, 17.776), 2.1028213103802216, '2.102821e+00'],
    ['qt(0.975, 1)', studentTQuantile(0.975, 1), 12.706204736174694, '1.270620e+01'],
    ['pchisq(10, 3, lower.tail = FALSE)', chiSquareSf(10, 3), 0.018566135463043233, '1.856614e-02'],
  ];
  it.each(table)('%s', (_call, actual, expected, text) => {
    close(actual, expected, 1e-10);
    printed(actual, text);
  });
});

describe('two-proportion z-test = prop.test(c(treatment, control), n, correct = FALSE)', () => {
  // | R call | X-squared | p-value | 95% CI of treatment − control (R, %.17g) | R printed |
  const table = [
    {
      call: 'prop.test(c(130, 100), c(1000, 1000), correct = FALSE)',
      t: [130, 1000], c: [100, 1000], x2: 4.421518054532056, p: 0.035488450466474711, ci: [0.0020679344393763725, 0.057932065560623622],
      // X-squared = 4.4215, df = 1, p-value = 0.03549
      // 95 percent confidence interval:
      //  0.002067934 0.057932066
      printed: { x2: '4.4215', p: '0.03549', ci: ['0.002067934', '0.057932066'] },
    },
    {
      call: 'prop.test(c(520, 480), c(10000, 10000), correct = FALSE)',
      t: [520, 10000], c: [480, 10000], x2: 1.6842105263157896, p: 0.19436591080310917, ci: [-0.0020407603519372996, 0.010040760351937293],
      // X-squared = 1.6842, df = 1, p-value = 0.1944
      // 95 percent confidence interval:
      //  -0.00204076  0.01004076
      printed: { x2: '1.6842', p: '0.1944', ci: ['-0.00204076', '0.01004076'] },
    },
    {
      call: 'prop.test(c(15, 9), c(50, 60), correct = FALSE)',
      t: [15, 50], c: [9, 60], x2: 3.5973837209302326, p: 0.057870578343710399, ci: [-0.0058756781569540839, 0.30587567815695405],
      // X-squared = 3.5974, df = 1, p-value = 0.05787
      // 95 percent confidence interval:
      //  -0.005875678  0.305875678
      printed: { x2: '3.5974', p: '0.05787', ci: ['-0.005875678', '0.305875678'] },
    },
  ] as const;
  it.each(table)('$call', ({ t, c, x2, p, ci, printed: shown }) => {
    const r = twoProportionZTest({ conversions: c[0], n: c[1] }, { conversions: t[0], n: t[1] });
    close(r.statistic ** 2, x2);
    close(r.pValue, p);
    close(r.interval.lower, ci[0]);
    close(r.interval.upper, ci[1]);
    printed(r.statistic ** 2, shown.x2);
    printed(r.pValue, shown.p);
    printed(r.interval.lower, shown.ci[0]);
    printed(r.interval.upper, shown.ci[1]);
  });
});

describe("Welch's t-test = t.test(treatment, control)", () => {
  const stats = (xs: number[]) => sampleFromSums(xs.length, xs.reduce((s, x) => s + x, 0), xs.reduce((s, x) => s + x * x, 0));
  // | R call | t | df | p-value | 95% CI (R, %.17g) | R printed |
  const table = [
    {
      call: 't.test(extra ~ group, data = sleep)',
      t: [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0],
      c: [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4],
      stat: -1.8608134674868531, df: 17.776473516178498, p: 0.079394140187358173, ci: [-3.3654832307117104, 0.20548323071171018],
      // t = -1.8608, df = 17.776, p-value = 0.07939
      // 95 percent confidence interval:
      //  -3.3654832  0.2054832
      printed: { t: '-1.8608', df: '17.776', p: '0.07939', ci: ['-3.3654832', '0.2054832'] },
    },
    {
      call: 't.test(c(12.1, 14.3, 11.8, 15.2, 13.9, 12.7, 14.8), c(10.2, 11.9, 10.8, 12.4, 11.1, 9.8, 12.0, 11.5, 10.4))',
      t: [12.1, 14.3, 11.8, 15.2, 13.9, 12.7, 14.8],
      c: [10.2, 11.9, 10.8, 12.4, 11.1, 9.8, 12.0, 11.5, 10.4],
      stat: 4.1089563515955048, df: 9.9398426625665799, p: 0.0021410450996471784, ci: [1.1069342773334792, 3.7343355639363622],
      // t = 4.109, df = 9.9398, p-value = 0.002141
      // 95 percent confidence interval:
      //  1.106934 3.734336
      printed: { t: '4.109', df: '9.9398', p: '0.002141', ci: ['1.106934', '3.734336'] },
    },
  ];
  it.each(table)('$call', ({ t, c, stat, df, p, ci, printed: shown }) => {
    const r = welchTTest(stats(c), stats(t));
    close(r.statistic, stat, 1e-8);
    close(r.df, df, 1e-8);
    close(r.pValue, p, 1e-8);
    close(r.interval.lower, ci[0] as number, 1e-8);
    close(r.interval.upper, ci[1] as number, 1e-8);
    printed(r.statistic, shown.t);
    printed(r.df, shown.df);
    printed(r.pValue, shown.p);
    printed(r.interval.lower, shown.ci[0] as string);
    printed(r.interval.upper, shown.ci[1] as string);
  });
});

describe('sample-ratio mismatch = chisq.test(x, p = weights)', () => {
  // | R call | X-squared | p-value (R, %.17g) | R printed: X-squared = …, df = …, p-value = … |
  const table = [
    { call: 'chisq.test(c(5050, 4950), p = c(0.5, 0.5))', x: [5050, 4950], w: [50, 50], x2: 1, p: 0.31731050786291415, printed: ['1', '0.3173'] },
    { call: 'chisq.test(c(1050, 950, 1000), p = c(1, 1, 1) / 3)', x: [1050, 950, 1000], w: [1, 1, 1], x2: 5, p: 0.0820849986238988, printed: ['5', '0.08208'] },
    { call: 'chisq.test(c(5200, 4800), p = c(0.5, 0.5))', x: [5200, 4800], w: [1, 1], x2: 16, p: 6.3342483666239808e-5, printed: ['16', '6.334e-05'] },
    { call: 'chisq.test(c(2100, 7900), p = c(0.2, 0.8))', x: [2100, 7900], w: [20, 80], x2: 6.25, p: 0.012419330651552294, printed: ['6.25', '0.01242'] },
  ];
  it.each(table)('$call', ({ x, w, x2, p, printed: shown }) => {
    const r = sampleRatioMismatch(x, w);
    close(r.chiSquare, x2);
    close(r.pValue, p);
    printed(r.chiSquare, shown[0] as string);
    printed(r.pValue, shown[1] as string);
    expect(r.df).toBe(x.length - 1);
  });
});
