// The lines printed above an apply refusal's one-line error: what landed since
// a stale plan, which deletions need --allow-delete, why the state is invalid.
import type { Risk } from '../../core/model/schema-types.js';
import type { StaleRevision } from '../http/api-types.js';
import type { Palette } from '../io/colors.js';
import { evidenceLines } from './plan-values.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function revisionLine(r: StaleRevision): string {
  const who = [r.actor, r.source ? `(${r.source})` : undefined].filter(Boolean).join(' ');
  const commit = r.commit_sha ? ` commit ${r.commit_sha.slice(0, 12)}` : '';
  const changed = r.changed && r.changed.length > 0 ? `: ${r.changed.join(', ')}` : '';
  return `  revision ${r.revision}${r.ts ? `  ${r.ts}` : ''}${who ? `  ${who}` : ''}${commit}${changed}`;
}

export function renderStaleDetail(since: readonly StaleRevision[], colors: Palette): string {
  if (since.length === 0) return '';
  return `${colors.bold('Changed on the server since the plan:')}\n${since.map(revisionLine).join('\n')}\n`;
}

/** A deletion as the server lists it: "flag:checkout", {resource, key}, or anything else as JSON. */
function deletionName(d: unknown): string {
  if (typeof d === 'string') return d;
  if (isObject(d) && typeof d.key === 'string') return `${typeof d.resource === 'string' ? `${d.resource} ` : ''}${d.key}`;
  return JSON.stringify(d);
}

export function renderDeletions(details: readonly unknown[], colors: Palette): string {
  if (details.length === 0) return '';
  return `${colors.bold('Deletions in the plan:')}\n${details.map((d) => `  ${colors.red('-')} ${deletionName(d)}`).join('\n')}\n`;
}

/** Diagnostics of a 422: `path  CODE  message`, one a line. */
export function renderStateProblems(details: readonly unknown[], colors: Palette): string {
  return details
    .map((d) => {
      if (!isObject(d)) return `  ${JSON.stringify(d)}\n`;
      const where = [typeof d.resource === 'string' ? d.resource : '', typeof d.key === 'string' ? d.key : '', typeof d.path === 'string' ? d.path : '']
        .filter(Boolean)
        .join(' ');
      const code = typeof d.code === 'string' ? colors.bold(d.code) : '';
      return `  ${where || '(state)'}  ${code}  ${typeof d.message === 'string' ? d.message : ''}\n`;
    })
    .join('');
}

/** Flag deletions still in use, each risk with its evidence (counts, last seen, top references). */
export function renderInUse(inUse: readonly { key: string; risks: readonly Risk[] }[], colors: Palette): string {
  let out = `${colors.bold('Deletions of flags still in use:')}\n`;
  for (const { key, risks } of inUse) {
    out += `  ${colors.red('-')} flag ${key}\n`;
    for (const risk of risks) {
      out += `      ${colors.yellow(`${risk.code}  ${risk.message}`)}\n`;
      for (const line of evidenceLines(risk)) out += `          ${line}\n`;
    }
  }
  return out;
}

/** The details of a 409 DELETES_IN_USE, grouped by flag. */
export function inUseOfDetails(details: readonly unknown[]): { key: string; risks: Risk[] }[] {
  const byKey = new Map<string, Risk[]>();
  for (const d of details) {
    if (!isObject(d) || typeof d.key !== 'string' || typeof d.code !== 'string') continue;
    const list = byKey.get(d.key) ?? [];
    list.push({ code: d.code as Risk['code'], message: typeof d.message === 'string' ? d.message : '', ...(isObject(d.evidence) ? { evidence: d.evidence } : {}) });
    byKey.set(d.key, list);
  }
  return [...byKey].map(([key, risks]) => ({ key, risks }));
}
