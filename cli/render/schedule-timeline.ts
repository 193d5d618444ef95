// How a plan shows a progressive rollout: one line per step, the shares it
// serves, and which step is in force at the moment the plan was made.
import type { Change } from '../../core/model/schema-types.js';
import type { Flag } from '../../core/model/index.js';
import { flagTimelines, stepAt, type Timeline } from '../../core/lifecycle/timeline.js';
import { formatPercent } from './format-values.js';

export interface TimelineLine {
  text: string;
  current: boolean;
}

function sharesText(shares: Record<string, number>): string {
  const entries = Object.entries(shares).filter(([, share]) => share > 0);
  if (entries.length === 1 && entries[0]![1] === 1) return `${entries[0]![0]} (everyone)`;
  return entries.map(([name, share]) => `${formatPercent(share)} ${name}`).join(', ');
}

function when(ms: number, text: string): string {
  return Number.isNaN(ms) ? `${text} (not a time)` : new Date(ms).toISOString().replace(/:00\.000Z$/, 'Z').replace('T00:00Z', '');
}

export function timelineTitle(t: Timeline): string {
  return `${t.flag} · ${t.environment} · ${t.ruleId === undefined ? 'default' : `rule ${t.ruleId}`}`;
}

/** The steps of one schedule; with `now`, the one in force is marked. */
export function timelineLines(t: Timeline, now: number | undefined): TimelineLine[] {
  const current = now === undefined ? -2 : stepAt(t, now);
  const lines: TimelineLine[] = [{ text: `before ${when(t.steps[0]!.at, t.steps[0]!.text)}: ${t.before} (everyone)`, current: current === -1 }];
  t.steps.forEach((step, i) => lines.push({ text: `from ${when(step.at, step.text)}: ${sharesText(step.shares)}`, current: current === i }));
  return lines;
}

/** The schedules a plan introduces or changes: those of every flag it creates or updates. */
export function planTimelines(changes: readonly Change[]): Timeline[] {
  return changes.filter((c) => c.resource === 'flag' && c.action !== 'delete' && c.after !== undefined).flatMap((c) => flagTimelines(c.after as unknown as Flag));
}
