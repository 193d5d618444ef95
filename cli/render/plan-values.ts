// Shared wording of a plan's pieces, used by the text and markdown renderers so
// both say the same thing. Pure functions of the plan document.
import type { Change, FieldChange, Plan, Risk } from '../../core/model/schema-types.js';

/** A value as a reviewer reads it: numbers and booleans bare, strings quoted, lists of names bare. */
export function formatValue(value: unknown): string {
  if (value === undefined) return '(none)';
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return `[${value.join(', ')}]`;
  return JSON.stringify(value);
}

function formatEntries(list: readonly unknown[]): string {
  return list.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
}

/** The right-hand side of `path: …` for one field change. */
export function describeFieldChange(field: FieldChange): string {
  if (field.added !== undefined || field.removed !== undefined) {
    const parts: string[] = [];
    if (field.added && field.added.length > 0) parts.push(`+[${formatEntries(field.added)}]`);
    if (field.removed && field.removed.length > 0) parts.push(`-[${formatEntries(field.removed)}]`);
    return parts.join(' ');
  }
  if (field.op === 'add') return `+ ${formatValue(field.after)}`;
  if (field.op === 'remove') return `- ${formatValue(field.before)}`;
  return `${formatValue(field.before)} → ${formatValue(field.after)}`;
}

/** `production.rules[1].serve.rollout.on: 10 → 25`; a change to the whole resource has no path. */
export function fieldLine(field: FieldChange): string {
  const change = describeFieldChange(field);
  return field.path === '' ? change : `${field.path}: ${change}`;
}

type Doc = Record<string, unknown>;

const isObject = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);

function describeFlag(flag: Doc): string {
  const parts = [`${String(flag.type)} flag`];
  if (isObject(flag.variants)) parts.push(`variants ${Object.keys(flag.variants).join(', ')}`);
  const envs = isObject(flag.environments) ? Object.entries(flag.environments) : [];
  if (envs.length === 0) parts.push('in no environment');
  for (const [env, config] of envs) {
    if (!isObject(config)) continue;
    const rules = Array.isArray(config.rules) ? config.rules.length : 0;
    const extras = [rules > 0 ? `${rules} rule${rules === 1 ? '' : 's'}` : '', isObject(config.default) && 'rollout' in config.default ? 'rollout' : '']
      .filter(Boolean)
      .join(', ');
    parts.push(`${env}: ${config.enabled ? 'enabled' : 'disabled'}${extras ? ` (${extras})` : ''}`);
  }
  return parts.join(' · ');
}

function describeSegment(segment: Doc): string {
  const count = (v: unknown) => (Array.isArray(v) ? v.length : 0);
  return [
    `match ${typeof segment.match === 'string' ? segment.match : 'all'}`,
    `${count(segment.conditions)} condition${count(segment.conditions) === 1 ? '' : 's'}`,
    `${count(segment.include)} included`,
    `${count(segment.exclude)} excluded`,
  ].join(' · ');
}

/** One line saying what a created (or deleted) resource is. */
export function describeResource(change: Change): string {
  const doc = change.after ?? change.before;
  if (!doc) return '';
  if (change.resource === 'flag') return describeFlag(doc);
  if (change.resource === 'segment') return describeSegment(doc);
  return typeof doc.name === 'string' ? `environment "${doc.name}"` : 'environment';
}

export function describeDrift(change: Change): string | undefined {
  const drift = change.drift;
  if (!drift) return undefined;
  const who = drift.actor ? ` by ${drift.actor}` : '';
  const when = drift.at ? ` at ${drift.at}` : '';
  return `changed on the server outside Git${who} (${drift.source})${when}; applying restores the files' version`;
}

export function describeScope(plan: Plan): string {
  const envs = plan.scope.environments;
  return envs === null ? 'all environments' : `environment${envs.length === 1 ? '' : 's'} ${envs.join(', ')} only`;
}

/** The issue's closing line: `Plan: N to create, M to update, K to delete.` */
export function summaryLine(plan: Plan): string {
  const { create, update, delete: del } = plan.summary;
  return `Plan: ${create} to create, ${update} to update, ${del} to delete.`;
}

export function driftLine(plan: Plan): string | undefined {
  const n = plan.summary.drift;
  if (n === 0) return undefined;
  return `Drift: ${n} resource${n === 1 ? ' was' : 's were'} changed on the server outside Git; applying restores what the files say.`;
}

export function riskCount(plan: Plan): number {
  return plan.changes.reduce((sum, c) => sum + c.risks.length, 0);
}

/** What the heading says the plan is compared against. */
export interface PlanHeading {
  /** The first word: "Plan" (ff plan, ff apply) or "Diff" (ff diff). */
  title?: string;
  /** Replaces "against revision N" (ff diff: "between A and B"). */
  against?: string;
  /** Said when there is nothing to change. */
  noChanges?: string;
  /** The moment (epoch ms) the plan is shown at: marks the step of each schedule in force now. */
  now?: number;
}

export const NO_CHANGES = 'No changes: the server already matches the files.';

/** `all environments · against revision 41` */
export function scopeText(plan: Plan, heading: PlanHeading = {}): string {
  return `${describeScope(plan)} · ${heading.against ?? `against revision ${plan.base_revision}`}`;
}

export function headingText(plan: Plan, heading: PlanHeading = {}): string {
  return `tenant ${plan.tenant} · ${scopeText(plan, heading)}`;
}

/**
 * The evidence of an in-use risk, one line each: evaluations per environment
 * (with when last seen), the top code references and how many more.
 */
export function evidenceLines(risk: Risk): string[] {
  const e = risk.evidence;
  if (e === undefined) return [];
  const lines: string[] = [];
  if (e.environments !== undefined) {
    for (const [env, u] of Object.entries(e.environments).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (u !== undefined) lines.push(`${env}: ${u.evaluations} evaluation${u.evaluations === 1 ? '' : 's'}, last ${u.last_evaluated_at}`);
    }
  }
  for (const r of e.references ?? []) lines.push(`${r.file}:${r.line}  ${r.text}`);
  const more = (e.reference_count ?? 0) - (e.references?.length ?? 0);
  if (more > 0) lines.push(`… and ${more} more reference${more === 1 ? '' : 's'}`);
  return lines;
}
