import type { AuditEntry } from '../actions/audit.js';
import type { Palette } from '../io/colors.js';
import { messages } from '../messages.js';

function subject(message: string | undefined): string {
  return (message ?? '').split('\n', 1)[0]?.trim() ?? '';
}

function entry(row: AuditEntry, colors: Palette): string {
  const where = row.environment ? ` ${colors.dim(`(${row.environment})`)}` : '';
  const revision = row.revision === null ? '' : `r${row.revision}  `;
  // A forced write overrode Git (break-glass): say so on the line, it is what a reader of the trail looks for.
  const forced = row.forced ? `  ${colors.red('FORCED (drift)')}` : '';
  let out = `${colors.dim(row.ts)}  ${revision}${row.source.padEnd(4)}  ${row.actor}  ${colors.bold(`${row.action} ${row.resource} ${row.key}`)}${where}${forced}\n`;
  if (row.reason) out += `    reason: ${row.reason}\n`;
  if (row.commit) {
    const text = subject(row.commit.message);
    const author = row.commit.author ? ` by ${row.commit.author}` : '';
    out += `    commit ${colors.yellow(row.commit.sha.slice(0, 12))}${text ? ` "${text}"` : ''}${author}\n`;
    if (row.commit_url) out += `    ${colors.cyan(row.commit_url)}\n`;
  }
  return out;
}

/** `ff audit`: one entry per change, newest first, with its commit and a link to it. */
export function renderAuditText(rows: readonly AuditEntry[], colors: Palette): string {
  if (rows.length === 0) return `${messages.noAudit}\n`;
  return rows.map((r) => entry(r, colors)).join('');
}
