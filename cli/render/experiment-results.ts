// `ff experiment results`: the results document (core/experiments
// ExperimentResults, what GET /v1/experiments/{key}/results returns) as text
// for a terminal or markdown for a pull-request comment. Warnings come first
// and loud: a sample-ratio mismatch means nothing below can be trusted.
import type { ComparisonResult, ExperimentResults, MetricResult, PeriodResult, ResultInterval } from '../../core/experiments/results.js';
import type { Palette } from '../io/colors.js';
import { plain } from '../io/colors.js';
import { escapeMarkdown, inlineCode } from './markdown.js';
import { renderTextTable } from './text-table.js';

const pct = (x: number, digits = 2) => `${(x * 100).toFixed(digits)}%`;
const signed = (x: number, f: (x: number) => string) => (x > 0 ? `+${f(x)}` : f(x));
const num = (x: number) => (Math.abs(x) >= 1000 ? x.toFixed(0) : Math.abs(x) >= 1 ? x.toFixed(2) : x.toPrecision(3));
const pValue = (p: number) => (p < 0.0001 ? '<0.0001' : p.toFixed(4));

function valueOf(metric: MetricResult, x: number): string {
  return metric.type === 'conversion' ? pct(x) : num(x);
}
function effectOf(metric: MetricResult, x: number): string {
  return metric.type === 'conversion' ? signed(x * 100, (v) => `${v.toFixed(2)} pp`) : signed(x, num);
}
/** An end without a bound (`null`) is −∞ below and +∞ above. */
function interval(metric: MetricResult, i: ResultInterval): string {
  return `[${i.lower === null ? '−∞' : effectOf(metric, i.lower)}, ${i.upper === null ? '+∞' : effectOf(metric, i.upper)}]`;
}

function verdict(c: ComparisonResult): string {
  if (!c.significant) return 'no detectable difference yet';
  return c.effect > 0 ? 'better (always-valid interval above 0)' : 'worse (always-valid interval below 0)';
}

function metricTitle(m: MetricResult): string {
  const window = m.windowHours === null ? '' : `, within ${m.windowHours} h of exposure`;
  return `${m.role === 'primary' ? 'Primary' : 'Guardrail'}: ${m.event} (${m.type === 'conversion' ? 'conversion rate' : 'mean per unit'}${window})`;
}

function rows(m: MetricResult): string[][] {
  return m.variants.map((v, i) => {
    const c = i === 0 ? undefined : m.comparisons.find((x) => x.variant === v.variant);
    const base = [v.variant + (i === 0 ? ' (control)' : ''), String(v.units), m.type === 'conversion' ? `${v.conversions ?? 0} (${valueOf(m, v.value)})` : valueOf(m, v.value)];
    if (c === undefined) return [...base, '', '', '', '', ''];
    const rel = c.relativeEffect === null ? '' : ` (${signed(c.relativeEffect * 100, (x) => `${x.toFixed(1)}%`)})`;
    return [...base, effectOf(m, c.effect) + rel, interval(m, c.interval), pValue(c.pValue), interval(m, c.sequentialInterval), verdict(c)];
  });
}

const HEADER = ['variant', 'units', 'value', 'effect vs control', '95% CI', 'p-value', 'always-valid 95% CI', 'reading'];

function dropped(m: MetricResult): string {
  const d = m.droppedEvents;
  return `events counted ${m.countedEvents}; dropped: ${d.beforeExposure} before the unit's first exposure, ${d.afterWindow} after its window or the stop, ${d.multipleVariants} from units that saw several variants, ${d.notExposed} from units never exposed`;
}

function srmLine(r: { srm: ExperimentResults['srm'] }): string {
  if (r.srm === null) return 'sample ratio: not checked (no units yet)';
  const observed = Object.entries(r.srm.observed).map(([v, n]) => `${v} ${n}`).join(', ');
  const expected = Object.entries(r.srm.expected).map(([v, n]) => `${v} ${n.toFixed(1)}`).join(', ');
  return `sample ratio: ${r.srm.mismatch ? 'MISMATCH' : 'ok'} (chi-square ${r.srm.chiSquare.toFixed(2)}, df ${r.srm.df}, p ${pValue(r.srm.pValue)}; observed ${observed}; expected ${expected})`;
}

function periodLabel(p: PeriodResult): string {
  const revisions = p.toRevision === null ? `revision ${p.fromRevision} on` : `revisions ${p.fromRevision}–${p.toRevision}`;
  const weights = Object.entries(p.weights).map(([v, w]) => `${v} ${w}`).join(' / ');
  const commits = p.commits.length === 0 ? '' : `, commit ${p.commits.map((c) => c.slice(0, 12)).join(', ')}`;
  return `${revisions} (weights ${weights}${commits})`;
}

export function renderResultsText(r: ExperimentResults, colors: Palette = plain): string {
  const out: string[] = [];
  out.push(colors.bold(`Experiment ${r.experiment}`) + ` — flag ${r.flag} in ${r.environment}, ${r.status} (from ${r.start}${r.stop ? ` to ${r.stop}` : ''})`);
  if (r.hypothesis) out.push(`Hypothesis: ${r.hypothesis}`);
  out.push('');
  for (const w of r.warnings) out.push(w.startsWith('SAMPLE RATIO MISMATCH') ? colors.red(colors.bold(`!! ${w}`)) : colors.yellow(`! ${w}`));
  if (r.warnings.length > 0) out.push('');
  out.push(`units: ${r.units.exposed} exposed, ${r.units.analyzed} analyzed, ${r.units.multipleVariants} excluded (saw more than one variant)`);
  out.push(srmLine(r));
  for (const m of r.metrics) {
    out.push('', colors.bold(metricTitle(m)), renderTextTable(HEADER, rows(m)).trimEnd(), dropped(m));
  }
  if (r.periods.length > 1) {
    out.push('', colors.bold('By allocation period (units by the revision of their first exposure)'));
    for (const p of r.periods) {
      out.push('', periodLabel(p), `units: ${p.units.exposed} exposed, ${p.units.analyzed} analyzed`, srmLine(p));
      for (const m of p.metrics) out.push(metricTitle(m), renderTextTable(HEADER, rows(m)).trimEnd());
    }
  }
  out.push('', `Intervals are for treatment minus control. The 95% CI and p-value (${r.metrics[0]?.type === 'mean' ? "Welch's t-test" : 'two-proportion z-test'}) hold for one look at a horizon fixed in advance; the always-valid interval (mSPRT, minimum detectable effect ${pct(r.minimumDetectableEffect, 0)}) may be read at every look.`);
  out.push(`computed ${r.computedAt}`);
  return `${out.join('\n')}\n`;
}

function mdTable(m: MetricResult): string {
  const cells = rows(m).map((row, i) => row.map((cell, j) => (j === 0 ? inlineCode(m.variants[i]?.variant ?? '') + (i === 0 ? ' (control)' : '') : escapeMarkdown(cell))));
  return [`| ${HEADER.join(' | ')} |`, `|${HEADER.map((_, i) => (i === 0 ? '---' : '--:')).join('|')}|`, ...cells.map((c) => `| ${c.join(' | ')} |`)].join('\n');
}

/**
 * What the markdown leaves out to fit a pull-request comment, least needed
 * first: each step keeps everything the previous one kept minus one thing.
 * The primary metric, the warnings and the sample-ratio checks are always there.
 */
const MARKDOWN_STEPS = [
  { periodGuardrails: true, guardrailTables: true, periodPrimary: true, guardrails: true, omitted: '' },
  { periodGuardrails: false, guardrailTables: true, periodPrimary: true, guardrails: true, omitted: 'the guardrails per allocation period' },
  { periodGuardrails: false, guardrailTables: false, periodPrimary: true, guardrails: true, omitted: 'the guardrails per allocation period and the guardrail tables (each guardrail is one line)' },
  { periodGuardrails: false, guardrailTables: false, periodPrimary: false, guardrails: true, omitted: 'every metric per allocation period and the guardrail tables (each guardrail is one line)' },
  { periodGuardrails: false, guardrailTables: false, periodPrimary: false, guardrails: false, omitted: 'every metric per allocation period and the guardrails' },
] as const;
/** Periods are not bounded: past the last step, only the periods that fit are listed, oldest first. */
const PERIODS_CUT = 'every metric per allocation period, the guardrails and the allocation periods past those listed';
type MarkdownStep = (typeof MARKDOWN_STEPS)[number];

/** GitHub refuses a comment over 65,536 characters; the rest is room for what a workflow wraps around it. */
export const MARKDOWN_LIMIT = 60_000;

/** A guardrail in one line: the treatments whose always-valid interval excludes zero. */
function guardrailLine(m: MetricResult): string {
  const moved = m.comparisons.filter((c) => c.significant).map((c) => `${c.variant} ${c.effect > 0 ? 'higher' : 'lower'} (${effectOf(m, c.effect)})`);
  return `${metricTitle(m)}: ${moved.length === 0 ? 'no detectable difference in any variant yet' : moved.join(', ')}`;
}

function markdownAt(r: ExperimentResults, step: MarkdownStep, periodsShown = r.periods.length): string {
  const out: string[] = [];
  out.push(`### Experiment ${inlineCode(r.experiment)} — ${r.status}`);
  out.push('', `Flag ${inlineCode(r.flag)} in ${inlineCode(r.environment)}, from ${escapeMarkdown(r.start)}${r.stop ? ` to ${escapeMarkdown(r.stop)}` : ''}.`);
  if (r.hypothesis) out.push('', `> ${escapeMarkdown(r.hypothesis)}`);
  for (const w of r.warnings) out.push('', w.startsWith('SAMPLE RATIO MISMATCH') ? `> [!CAUTION]\n> **${escapeMarkdown(w)}**` : `> [!WARNING]\n> ${escapeMarkdown(w)}`);
  const omitted = periodsShown < r.periods.length ? PERIODS_CUT : step.omitted;
  if (omitted !== '') {
    out.push('', `> [!NOTE]\n> Shortened to fit a pull-request comment: left out ${escapeMarkdown(omitted)}. ${inlineCode(`ff experiment results ${r.experiment} --format json`)} has everything.`);
  }
  out.push('', `**Units:** ${r.units.exposed} exposed, ${r.units.analyzed} analyzed, ${r.units.multipleVariants} excluded (saw more than one variant). ${escapeMarkdown(srmLine(r))}`);
  const guardrails: string[] = [];
  for (const m of r.metrics) {
    if (m.role === 'primary' || step.guardrailTables) out.push('', `#### ${escapeMarkdown(metricTitle(m))}`, '', mdTable(m), '', `<sub>${escapeMarkdown(dropped(m))}</sub>`);
    else if (step.guardrails) guardrails.push(`- ${escapeMarkdown(guardrailLine(m))}`);
  }
  if (guardrails.length > 0) out.push('', '#### Guardrails', '', ...guardrails);
  if (r.periods.length > 1) {
    out.push('', '<details><summary>By allocation period</summary>');
    for (const p of r.periods.slice(0, periodsShown)) {
      out.push('', `**${escapeMarkdown(periodLabel(p))}** — ${p.units.exposed} units. ${escapeMarkdown(srmLine(p))}`);
      for (const m of p.metrics) {
        if (m.role === 'primary' ? step.periodPrimary : step.periodGuardrails) out.push('', escapeMarkdown(metricTitle(m)), '', mdTable(m));
      }
    }
    if (periodsShown < r.periods.length) out.push('', `… and ${r.periods.length - periodsShown} more allocation period(s).`);
    out.push('', '</details>');
  }
  out.push(
    '',
    `<sub>Effects are treatment minus control. 95% CI and p-value hold for a single look at a fixed horizon; the always-valid interval (mSPRT, minimum detectable effect ${pct(r.minimumDetectableEffect, 0)}) may be read daily. Computed ${escapeMarkdown(r.computedAt)}.</sub>`,
  );
  return `${out.join('\n')}\n`;
}

/**
 * Markdown for a pull-request comment, under MARKDOWN_LIMIT characters: the
 * first of MARKDOWN_STEPS that fits (the same results always give the same
 * text), with a note naming what was left out.
 */
export function renderResultsMarkdown(r: ExperimentResults): string {
  for (const step of MARKDOWN_STEPS) {
    const md = markdownAt(r, step);
    if (md.length <= MARKDOWN_LIMIT) return md;
  }
  // The most periods that fit (each costs about the same, so halving finds it in a few renders).
  const last = MARKDOWN_STEPS[MARKDOWN_STEPS.length - 1] as MarkdownStep;
  let fits = 0;
  let over = r.periods.length;
  while (over - fits > 1) {
    const mid = Math.floor((fits + over) / 2);
    if (markdownAt(r, last, mid).length <= MARKDOWN_LIMIT) fits = mid;
    else over = mid;
  }
  return markdownAt(r, last, fits);
}
