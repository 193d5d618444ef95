import type { RefsReport } from '../actions/refs.js';
import type { Palette } from '../io/colors.js';
import { messages } from '../messages.js';

/** `file:line:col  flag  text` per reference ("flag as alias" when another spelling matched). */
export function renderRefsText(report: RefsReport, colors: Palette): string {
  return report.references
    .map((r) => `${r.file}:${r.line}:${r.column}  ${colors.bold(r.flag)}${r.alias === r.flag ? '' : colors.dim(` as ${r.alias}`)}  ${r.text}\n`)
    .join('');
}

export function renderRefsSummary(report: RefsReport): string {
  const flags = new Set(report.references.map((r) => r.flag)).size;
  const lines = [messages.refsSummary(report.references.length, flags, report.files, report.elapsedMs)];
  if (report.unreferenced.length > 0) lines.push(messages.refsUnreferenced(report.unreferenced));
  return lines.join('\n');
}

/** `--json`: versioned; fields are only ever added. */
export function renderRefsJson(report: RefsReport): string {
  const counts: Record<string, number> = {};
  for (const r of report.references) counts[r.flag] = (counts[r.flag] ?? 0) + 1;
  const document = {
    version: 1,
    roots: report.roots,
    summary: { flags: report.flags.length, files: report.files, references: report.references.length, threads: report.threads, byFlag: counts },
    references: report.references.map(({ file, line, column, flag, alias, text }) => ({ file, line, column, flag, alias, text })),
    unreferenced: report.unreferenced,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
