import { normalizeRollout } from '../../core/engine/bucketing.js';
import type { ConditionTrace, ExplainTrace, RuleTrace, SegmentTrace } from '../../core/engine/types.js';
import type { Palette } from '../io/colors.js';
import { formatJson, formatPercent } from './format-values.js';

const INDENT = '  ';

export interface RolloutRange {
  variant: string;
  share: number;
  from: number;
  to: number;
}

/**
 * The ranges of [0,1) the engine assigns, computed by the engine's own
 * normalization (variants in code-unit order, weights as written): a bucket b
 * falls in the variant whose range has from ≤ b < to.
 */
export function rolloutRanges(weights: Readonly<Record<string, number>>): RolloutRange[] {
  const rollout = normalizeRollout(weights);
  let from = 0;
  return rollout.variants.map((variant, i) => {
    const to = rollout.thresholds[i] ?? 0;
    const range = { variant, share: rollout.total > 0 ? (rollout.weights[i] ?? 0) / rollout.total : 0, from, to };
    from = to;
    return range;
  });
}

function mark(matched: boolean, colors: Palette): string {
  return matched ? colors.green('✓') : colors.red('✗');
}

function describeCondition(c: ConditionTrace): string {
  if (c.kind === 'segment') {
    const key = c.segment?.key ?? '?';
    return c.negate ? `not in segment ${key}` : `in segment ${key}`;
  }
  const operator = `${c.negate ? 'not ' : ''}${c.operator ?? '?'}`;
  const expected = c.expected === undefined ? '' : ` ${formatJson(c.expected).replace(/\s*\n\s*/g, ' ')}`;
  return `${c.attribute ?? '?'} ${operator}${expected}`;
}

/** Why the targeting key is, or is not, a member: the step of the membership order that decided. */
function membershipReason(s: SegmentTrace): string {
  switch (s.via) {
    case 'exclude':
      return 'targeting key is on the exclude list (never a member)';
    case 'include':
      return 'targeting key is on the include list (always a member)';
    case 'no-conditions':
      return 'no conditions, and the targeting key is not on the include list';
    case 'conditions':
      if (s.match === 'any') return s.matched ? 'match any: a condition matched' : 'match any: no condition matched';
      return s.matched ? 'match all: every condition matched' : 'match all: a condition failed';
  }
}

function renderSegment(segment: SegmentTrace, depth: number, colors: Palette): string {
  let out = `${INDENT.repeat(depth)}${colors.dim(membershipReason(segment))}\n`;
  for (const c of segment.conditions ?? []) out += renderCondition(c, depth, colors);
  return out;
}

function renderCondition(c: ConditionTrace, depth: number, colors: Palette): string {
  const pad = INDENT.repeat(depth);
  let out = `${pad}${mark(c.matched, colors)} ${describeCondition(c)}  ${colors.dim(`— ${c.explanation}`)}\n`;
  if (c.segment) out += renderSegment(c.segment, depth + 1, colors);
  return out;
}

function renderRule(rule: RuleTrace, colors: Palette): string {
  const verdict = rule.matched ? colors.green('matched') : colors.red('no match');
  let out = `${INDENT}${mark(rule.matched, colors)} rule ${rule.index + 1} ${colors.bold(rule.ruleId)}: ${verdict}\n`;
  if (rule.conditions.length === 0) out += `${INDENT.repeat(2)}${colors.dim('(no conditions: always matches)')}\n`;
  for (const c of rule.conditions) out += renderCondition(c, 2, colors);
  return out;
}

function renderRollout(served: NonNullable<ExplainTrace['served']>, colors: Palette): string {
  const rollout = served.rollout;
  if (!rollout) return '';
  const value = rollout.bucketValue === undefined ? colors.red('missing') : JSON.stringify(rollout.bucketValue);
  const bucket = rollout.bucket === undefined ? '' : `, bucket ${rollout.bucket}`;
  let out = `${INDENT.repeat(2)}rollout on ${rollout.bucketBy} = ${value}${bucket}\n`;
  const ranges = rolloutRanges(rollout.weights);
  const width = Math.max(...ranges.map((r) => r.variant.length));
  for (const r of ranges) {
    const chosen = r.variant === served.variant && rollout.bucket !== undefined;
    const line = `${r.variant.padEnd(width)}  ${formatPercent(r.share).padStart(9)}  [${formatPercent(r.from)}, ${formatPercent(r.to)})`;
    out += `${INDENT.repeat(3)}${chosen ? colors.green(`${line}  ← bucket`) : line}\n`;
  }
  return out;
}

function renderSchedule(served: NonNullable<ExplainTrace['served']>, colors: Palette): string {
  const s = served.schedule;
  if (!s) return '';
  const now = s.step === 0 ? `schedule not started (the off variant until step 1)` : `schedule step ${s.step} of ${s.steps}, since ${s.since ?? '?'}`;
  return `${INDENT.repeat(2)}${now}${s.next ? colors.dim(`; next step at ${s.next}`) : colors.dim('; the last step')}\n`;
}

function renderServed(trace: ExplainTrace, colors: Palette): string {
  const served = trace.served;
  if (!served) return '';
  const hasVariant = served.variant !== undefined && served.variant !== null;
  const variant = hasVariant ? served.variant : '(none)';
  const { errorCode, errorMessage } = trace.result;
  const failure = `error ${errorCode ?? ''}${errorMessage ? `: ${errorMessage}` : ''}`;
  const lines: Record<typeof served.by, string> = {
    off: `flag disabled: served the off variant ${variant}`,
    prerequisite: `a prerequisite is not met: served the off variant ${variant} (PREREQUISITE_FAILED)`,
    target: `targeting key listed in individual targets: served ${variant}`,
    rule: `rule ${served.ruleId ?? '?'} decided: served ${variant}`,
    default: `no target or rule matched: served the default, ${variant}`,
    error: hasVariant ? `${failure}; served ${variant}` : failure,
  };
  // A rule or the default can still end in an error (a rollout with no bucketing value).
  const error = served.by !== 'error' && errorCode ? colors.red(`; error ${errorCode}`) : '';
  return `${INDENT}${colors.bold('→')} ${lines[served.by]}${error}\n${renderSchedule(served, colors)}${renderRollout(served, colors)}`;
}

/** `--explain`: every step the engine took, in the order it took them. */
export function renderExplainText(trace: ExplainTrace, colors: Palette): string {
  let out = `${colors.bold('explain')}  ${trace.flagKey} in ${trace.environment}\n`;
  if (!trace.flagFound) return `${out}${INDENT}${mark(false, colors)} flag not found\n${renderServed(trace, colors)}`;

  out += `${INDENT}${mark(trace.enabled === true, colors)} ${trace.enabled ? 'enabled' : 'disabled'} in ${trace.environment}\n`;
  for (const p of trace.prerequisites ?? []) {
    const why = p.met ? '' : `  ${colors.dim(`— ${p.problem ?? 'not met'}`)}`;
    out += `${INDENT}${mark(p.met, colors)} prerequisite ${colors.bold(p.flag)} serves ${p.variant}${why}\n`;
    // The prerequisite's own evaluation, indented under it.
    if (p.trace) out += renderExplainText(p.trace, colors).split('\n').slice(1).filter((l) => l !== '').map((l) => `${INDENT.repeat(2)}${l}\n`).join('');
  }
  if (trace.target) {
    out += trace.target.matched
      ? `${INDENT}${mark(true, colors)} individual targets: targeting key listed for ${trace.target.variant ?? '?'}\n`
      : `${INDENT}${mark(false, colors)} individual targets: targeting key not listed\n`;
  }
  for (const rule of trace.rules) out += renderRule(rule, colors);
  return out + renderServed(trace, colors);
}
