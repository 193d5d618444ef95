import type { Change, Plan } from '../../core/model/schema-types.js';
import { planTimelines, timelineLines, timelineTitle } from './schedule-timeline.js';
import { codeBlock, escapeHtml, escapeMarkdown, inlineCode } from './markdown.js';
import {
  NO_CHANGES,
  describeDrift,
  describeFieldChange,
  describeResource,
  driftLine,
  evidenceLines,
  riskCount,
  scopeText,
  summaryLine,
  type PlanHeading,
} from './plan-values.js';

/** GitHub refuses comments over 65,536 characters; leave room for a workflow's own text. */
export const DEFAULT_MARKDOWN_LIMIT = 60_000;

export interface MarkdownOptions extends PlanHeading {
  /** Stop adding rows and details before the comment reaches this many characters. */
  maxLength?: number;
}

/** The HTML comment a workflow finds to update the same PR comment on every push. */
export function planMarker(tenant: string): string {
  return `<!-- ff-plan:${tenant} -->`;
}

const ACTION_LABEL: Record<Change['action'], string> = { create: '➕ create', update: '✏️ update', delete: '🗑️ delete' };

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

function notes(change: Change): string {
  const parts: string[] = [];
  if (change.risks.length > 0) parts.push(`⚠️ ${plural(change.risks.length, 'risk')}`);
  if (change.drift) parts.push('↯ drift');
  return parts.join(' · ');
}

function changedText(change: Change): string {
  if (change.action === 'create') return 'new';
  if (change.action === 'delete') return 'removed';
  return plural(change.fields.length, 'field');
}

function tableRow(change: Change): string {
  return `| ${ACTION_LABEL[change.action]} | ${change.resource} | ${inlineCode(change.key)} | ${changedText(change)} | ${notes(change)} |\n`;
}

function details(change: Change): string {
  const summaryNotes = notes(change);
  const summary = `${ACTION_LABEL[change.action]} ${change.resource} <code>${escapeHtml(change.key)}</code> — ${changedText(change)}${summaryNotes ? `, ${summaryNotes}` : ''}`;
  let body = '';
  for (const risk of change.risks) body += `> - **⚠️ ${risk.code}** ${escapeMarkdown(risk.message)}\n`;
  const drift = describeDrift(change);
  if (drift) body += `> - **↯ drift** ${escapeMarkdown(drift)}\n`;
  if (body !== '') body += '\n';
  if (change.action === 'update') {
    for (const field of change.fields) {
      body += field.path === '' ? `- ${inlineCode(describeFieldChange(field))}\n` : `- ${inlineCode(field.path)}: ${inlineCode(describeFieldChange(field))}\n`;
    }
  } else {
    body += `${escapeMarkdown(describeResource(change))}\n\n`;
    body += codeBlock(JSON.stringify(change.after ?? change.before, null, 2), 'json');
  }
  return `<details>\n<summary>${summary}</summary>\n\n${body}\n</details>\n\n`;
}

function riskList(plan: Plan): string {
  const total = riskCount(plan);
  if (total === 0) return '';
  let out = `> [!CAUTION]\n> **${plural(total, 'risky change')}**\n`;
  for (const change of plan.changes) {
    for (const risk of change.risks) {
      out += `> - ${inlineCode(`${change.resource} ${change.key}`)}: ${escapeMarkdown(risk.message)}\n`;
      // The evidence a reviewer needs to judge a deletion: counts, last seen, top code references.
      for (const line of evidenceLines(risk)) out += `>   - ${inlineCode(line)}\n`;
    }
  }
  return `${out}\n`;
}

function timelineSection(plan: Plan, now: number | undefined): string {
  const timelines = planTimelines(plan.changes);
  if (timelines.length === 0) return '';
  let out = '**Schedules** (progressive rollouts: each step starts at its time, with no further apply)\n\n';
  for (const t of timelines) {
    out += `- ${inlineCode(timelineTitle(t))}\n`;
    for (const line of timelineLines(t, now)) out += `  - ${line.current ? `**${escapeMarkdown(line.text)}** ← now` : escapeMarkdown(line.text)}\n`;
  }
  return `${out}\n`;
}

/**
 * `--format markdown`: a pull-request comment. A marker for the workflow, the
 * summary, drift and risks up front, a table of every change, and one
 * collapsible section per resource. Past `maxLength` the rest is summarised.
 */
export function renderPlanMarkdown(plan: Plan, options: MarkdownOptions = {}): string {
  const limit = options.maxLength ?? DEFAULT_MARKDOWN_LIMIT;
  let out = `${planMarker(plan.tenant)}\n### ff ${(options.title ?? 'plan').toLowerCase()} · tenant ${inlineCode(plan.tenant)}\n\n`;
  out += `**${summaryLine(plan)}**  \n_${escapeMarkdown(scopeText(plan, options))}_\n\n`;
  if (plan.changes.length === 0) return `${out}${escapeMarkdown(options.noChanges ?? NO_CHANGES)}\n`;
  const drift = driftLine(plan);
  if (drift) out += `> [!WARNING]\n> ${escapeMarkdown(drift)}\n\n`;
  out += riskList(plan);
  out += timelineSection(plan, options.now);

  const omitted = (n: number, what: string) =>
    `\n_${plural(n, 'more change')} not shown ${what}: the comment would be too long. Run \`ff plan\` locally for the whole plan._\n`;
  const reserve = 300;
  let table = '| action | resource | key | changes | notes |\n|---|---|---|---|---|\n';
  let rows = 0;
  for (const change of plan.changes) {
    const row = tableRow(change);
    if (out.length + table.length + row.length + reserve > limit) break;
    table += row;
    rows++;
  }
  out += table;
  if (rows < plan.changes.length) return out + omitted(plan.changes.length - rows, 'in the table');
  out += '\n';
  let shown = 0;
  for (const change of plan.changes) {
    const section = details(change);
    if (out.length + section.length + reserve > limit) break;
    out += section;
    shown++;
  }
  if (shown < plan.changes.length) out += omitted(plan.changes.length - shown, 'in detail');
  return out;
}
