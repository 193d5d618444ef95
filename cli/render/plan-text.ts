import type { Change, Plan } from '../../core/model/schema-types.js';
import type { Palette } from '../io/colors.js';
import { planTimelines, timelineLines, timelineTitle } from './schedule-timeline.js';
import { NO_CHANGES, describeDrift, describeResource, driftLine, evidenceLines, fieldLine, headingText, summaryLine, type PlanHeading } from './plan-values.js';

const INDENT = '    ';

function marker(change: Change, colors: Palette): string {
  if (change.action === 'create') return colors.green('+');
  if (change.action === 'delete') return colors.red('-');
  return colors.yellow('~');
}

function renderChange(change: Change, colors: Palette): string {
  const title = `${marker(change, colors)} ${change.action} ${change.resource} ${colors.bold(change.key)}`;
  const lines = [title];
  if (change.action === 'update') for (const field of change.fields) lines.push(`${INDENT}${fieldLine(field)}`);
  else lines.push(`${INDENT}${colors.dim(describeResource(change))}`);
  for (const risk of change.risks) {
    const paint = risk.code === 'DELETION' ? colors.red : colors.yellow;
    lines.push(`${INDENT}${paint(`⚠ ${risk.message}`)}`);
    for (const line of evidenceLines(risk)) lines.push(`${INDENT}    ${colors.dim(line)}`);
  }
  const drift = describeDrift(change);
  if (drift) lines.push(`${INDENT}${colors.magenta(`↯ drift: ${drift}`)}`);
  return `${lines.join('\n')}\n`;
}

/**
 * `ff plan` (and `ff diff`) as text: every change, updates field by field,
 * risks and drift called out, then the one-line summary.
 */
export function renderPlanText(plan: Plan, colors: Palette, heading: PlanHeading = {}): string {
  let out = `${colors.bold(heading.title ?? 'Plan')} for ${headingText(plan, heading)}\n\n`;
  if (plan.changes.length === 0) out += `${heading.noChanges ?? NO_CHANGES}\n`;
  else out += plan.changes.map((c) => renderChange(c, colors)).join('');
  const timelines = planTimelines(plan.changes);
  if (timelines.length > 0) {
    out += `\n${colors.bold('Schedules')} (progressive rollouts; each step starts at its time without another apply)\n`;
    for (const t of timelines) {
      out += `  ${timelineTitle(t)}\n`;
      for (const line of timelineLines(t, heading.now)) out += `    ${line.current ? colors.green(`▶ ${line.text}  ← now`) : `  ${line.text}`}\n`;
    }
  }
  const drift = driftLine(plan);
  out += `\n${drift ? `${colors.magenta(drift)}\n` : ''}${colors.bold(summaryLine(plan))}\n`;
  return out;
}
