// analyzeExperiment from per-unit aggregates: the comparison uses the right
// test per metric type, the sample-ratio check expects each period's own
// weights, excluded units and dropped events are reported, and the renderers
// put a mismatch first and loud. The markdown fits a pull-request comment.
import { describe, expect, it } from 'vitest';
import { analyzeExperiment, type UnitAggregate } from '../../core/experiments/index.js';
import type { Experiment } from '../../core/model/index.js';
import { twoProportionZTest } from '../../core/stats/index.js';
import { MARKDOWN_LIMIT, renderResultsMarkdown, renderResultsText } from '../../cli/render/experiment-results.js';

const EXPERIMENT: Experiment = {
  key: 'exp',
  flag: 'f',
  environment: 'production',
  variants: ['control', 'treatment'],
  start: '2026-11-01',
  metrics: { primary: { event: 'buy', type: 'conversion' }, guardrails: [{ event: 'revenue', type: 'mean' }] },
};
const NOW = Date.parse('2026-12-01T00:00:00Z');

const group = (variant: string, revision: number, units: number, converted: number, extra: Partial<UnitAggregate> = {}): UnitAggregate => ({
  variant,
  revision,
  multi: false,
  units,
  converted,
  sum: converted,
  sumSquares: converted,
  events: converted,
  before: 0,
  after: 0,
  ...extra,
});

describe('analyzeExperiment', () => {
  it('compares conversions with the z-test and reports what it dropped', () => {
    const groups = [group('control', 1, 1000, 100, { before: 3 }), group('treatment', 1, 1000, 130, { after: 2 }), group('control', 1, 7, 1, { multi: true, events: 1, before: 1 })];
    const r = analyzeExperiment({
      experiment: EXPERIMENT,
      allocations: [{ revision: 1, weights: { control: 50, treatment: 50 }, commit: 'c1' }],
      metrics: [{ groups, notExposed: 5 }, { groups, notExposed: 0 }],
      now: NOW,
    });
    const reference = twoProportionZTest({ n: 1000, conversions: 100 }, { n: 1000, conversions: 130 });
    expect(r.metrics[0]?.comparisons[0]).toMatchObject({ variant: 'treatment', effect: reference.effect, pValue: reference.pValue, test: 'two-proportion z-test' });
    expect(r.metrics[1]?.comparisons[0]?.test).toBe("Welch's t-test");
    expect(r.units).toEqual({ exposed: 2007, analyzed: 2000, multipleVariants: 7 });
    expect(r.metrics[0]?.droppedEvents).toEqual({ beforeExposure: 3, afterWindow: 2, multipleVariants: 2, notExposed: 5 });
    expect(r.status).toBe('running');
    expect(r.periods).toHaveLength(1);
    expect(r.srm?.mismatch).toBe(false);
  });

  it("checks the sample ratio against each period's weights, and warns loudly on a mismatch", () => {
    // 50/50, then 20/80: pooled 1000 + 1000 units split 500/500 and 200/800 is no mismatch.
    const fine = [group('control', 1, 500, 50), group('treatment', 1, 500, 50), group('control', 3, 200, 20), group('treatment', 3, 800, 80)];
    const allocations = [
      { revision: 1, weights: { control: 50, treatment: 50 }, commit: 'c1' },
      { revision: 2, weights: { control: 50, treatment: 50 }, commit: 'c2' },
      { revision: 3, weights: { control: 20, treatment: 80 }, commit: 'c3' },
    ];
    const r = analyzeExperiment({ experiment: EXPERIMENT, allocations, metrics: [{ groups: fine, notExposed: 0 }], now: NOW });
    expect(r.periods.map((p) => [p.fromRevision, p.toRevision, p.commits])).toEqual([[1, 2, ['c1', 'c2']], [3, null, ['c3']]]);
    expect(r.srm?.pValue).toBeCloseTo(1, 6);
    expect(r.warnings[0]).toContain('allocation changed');

    const broken = [group('control', 1, 5200, 520), group('treatment', 1, 4800, 480)];
    const bad = analyzeExperiment({ experiment: EXPERIMENT, allocations: allocations.slice(0, 1), metrics: [{ groups: broken, notExposed: 0 }], now: NOW });
    expect(bad.srm).toMatchObject({ mismatch: true, chiSquare: 16 });
    expect(bad.warnings[0]).toMatch(/^SAMPLE RATIO MISMATCH/);
    const text = renderResultsText(bad);
    expect(text.split('\n').slice(0, 4).join('\n')).toContain('!! SAMPLE RATIO MISMATCH');
    const md = renderResultsMarkdown(bad);
    expect(md).toContain('> [!CAUTION]');
    expect(md.indexOf('CAUTION')).toBeLessThan(md.indexOf('Primary'));
  });

  it('names the period that mismatches and its own p-value when the pooled check passes', () => {
    const allocations = [
      { revision: 1, weights: { control: 50, treatment: 50 }, commit: 'c1' },
      { revision: 2, weights: { control: 50, treatment: 50 }, commit: 'c2' },
      { revision: 3, weights: { control: 20, treatment: 80 }, commit: 'c3' },
    ];
    // Revisions 1–2: 10,000 units split 50/50 as weighted; revision 3 on: 500 units split 250/250 where 20/80 was due.
    const groups = [group('control', 1, 5000, 500), group('treatment', 2, 5000, 500), group('control', 3, 250, 25), group('treatment', 3, 250, 25)];
    const r = analyzeExperiment({ experiment: EXPERIMENT, allocations, metrics: [{ groups, notExposed: 0 }], now: NOW });
    expect(r.srm?.mismatch).toBe(false);
    const period = r.periods[1]?.srm;
    expect(period?.mismatch).toBe(true);
    expect(r.warnings[0]).toBe(
      `SAMPLE RATIO MISMATCH (revision 3 on, p = ${period?.pValue.toExponential(2)}): the units per variant do not match the rollout's weights. Assignment or exposure logging is broken; do not trust these results until the cause is found.`,
    );
    expect(r.warnings[0]).not.toContain(`p = ${r.srm?.pValue.toExponential(2)}`);
  });

  it('carries an unbounded always-valid interval as null ends, and renders them as −∞ and +∞', () => {
    // No conversions on either side: no variance, so the always-valid interval has no bounds yet.
    const groups = [group('control', 1, 1000, 0), group('treatment', 1, 1000, 0)];
    const r = analyzeExperiment({
      experiment: { ...EXPERIMENT, metrics: { primary: EXPERIMENT.metrics.primary } },
      allocations: [{ revision: 1, weights: { control: 50, treatment: 50 }, commit: 'c1' }],
      metrics: [{ groups, notExposed: 0 }],
      now: NOW,
    });
    const comparison = r.metrics[0]?.comparisons[0];
    expect(comparison?.sequentialInterval).toEqual({ lower: null, upper: null });
    expect(comparison?.significant).toBe(false);
    // What the route sends is what the object says (JSON would turn an infinity into a bare null).
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    expect(renderResultsText(r)).toContain('[−∞, +∞]');
  });

  it('renders markdown that fits a pull-request comment, with escaped cells', () => {
    const groups = [group('control', 1, 1000, 100), group('treatment', 1, 1000, 130)];
    const r = analyzeExperiment({
      experiment: { ...EXPERIMENT, hypothesis: 'Pipes | and <b>tags</b> stay text' },
      allocations: [{ revision: 1, weights: { control: 1, treatment: 1 }, commit: null }],
      metrics: [{ groups, notExposed: 0 }, { groups, notExposed: 0 }],
      now: NOW,
    });
    const md = renderResultsMarkdown(r);
    expect(md.length).toBeLessThan(65_536);
    expect(md).toContain('\\| and &lt;b&gt;tags&lt;/b&gt;');
    const table = md.split('\n').filter((l) => l.startsWith('| `treatment`'));
    expect(table).toHaveLength(2);
    for (const row of table) expect(row.split(/(?<!\\)\|/).length - 2).toBe(8);
  });
});

describe('markdown under the pull-request comment limit', () => {
  // The largest experiment the schema allows: 10 variants, 20 guardrails; `periods` allocation periods.
  const variants = Array.from({ length: 10 }, (_, i) => (i === 0 ? 'control' : `treatment-with-a-long-name-${i}`)) as Experiment['variants'];
  const guardrails = Array.from({ length: 20 }, (_, i) => ({ event: `guardrail-event-with-a-long-name-${i}`, type: i % 2 === 0 ? ('mean' as const) : ('conversion' as const), windowHours: 72 }));
  function largest(periods: number, guardrailCount = guardrails.length) {
    const used = guardrails.slice(0, guardrailCount);
    const experiment: Experiment = { ...EXPERIMENT, variants, metrics: { primary: { event: 'buy', type: 'conversion' }, guardrails: used } };
    const allocations = Array.from({ length: periods }, (_, k) => ({ revision: k + 1, weights: Object.fromEntries(variants.map((v, i) => [v, i === 0 ? 10 + k : 10])), commit: `${k % 10}`.repeat(40) }));
    const groups = allocations.flatMap(({ revision }) => variants.map((v, i) => group(v, revision, 1000 + 37 * i, 100 + 13 * i, { sum: 5000 + 321 * i, sumSquares: 90_000 + 4321 * i })));
    return analyzeExperiment({ experiment, allocations, metrics: [{ groups, notExposed: 0 }, ...used.map(() => ({ groups, notExposed: 3 }))], now: NOW });
  }
  const primaryRows = (md: string) => variants.every((v) => md.includes(`| \`${v}\``)) && md.includes('#### Primary: buy (conversion rate)');
  const periodLines = (md: string) => md.match(/^\*\*revision/gm)?.length ?? 0;

  it('drops the guardrails per period first, keeping every guardrail table (4 periods)', () => {
    const md = renderResultsMarkdown(largest(4));
    expect(md.length).toBeLessThanOrEqual(MARKDOWN_LIMIT);
    expect(primaryRows(md)).toBe(true);
    expect(md).toContain('> [!NOTE]\n> Shortened to fit a pull-request comment: left out the guardrails per allocation period.');
    expect(md).toContain('`ff experiment results exp --format json` has everything');
    expect(md.match(/^#### Guardrail:/gm)).toHaveLength(20);
    expect(periodLines(md)).toBe(4);
    expect(md).not.toMatch(/^Guardrail: /m);
  });

  it('then turns each guardrail table into one line (6 periods)', () => {
    const md = renderResultsMarkdown(largest(6));
    expect(md.length).toBeLessThanOrEqual(MARKDOWN_LIMIT);
    expect(primaryRows(md)).toBe(true);
    expect(md).toContain('left out the guardrails per allocation period and the guardrail tables (each guardrail is one line)');
    expect(md).not.toContain('#### Guardrail:');
    for (const g of guardrails) expect(md).toMatch(new RegExp(`^- Guardrail: ${g.event} .*: `, 'm'));
    // The primary metric per period and each period's sample-ratio check stay.
    expect(periodLines(md)).toBe(6);
    expect(md.match(/^Primary: buy/gm)).toHaveLength(6);
    // The same results always give the same text.
    expect(renderResultsMarkdown(largest(6))).toBe(md);
  });

  it('and with very many periods lists those that fit and says how many more there are', () => {
    const r = largest(80);
    const md = renderResultsMarkdown(r);
    expect(md.length).toBeLessThanOrEqual(MARKDOWN_LIMIT);
    expect(primaryRows(md)).toBe(true);
    const shown = periodLines(md);
    expect(shown).toBeGreaterThan(10);
    expect(md).toContain(`… and ${80 - shown} more allocation period(s).`);
    expect(md).toContain('the allocation periods past those listed');
  });

  it('leaves an experiment that fits whole, with no note', () => {
    const md = renderResultsMarkdown(largest(1));
    expect(md).not.toContain('[!NOTE]');
    expect(md.match(/^#### Guardrail:/gm)).toHaveLength(20);
  });
});
