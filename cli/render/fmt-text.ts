import type { FmtReport } from '../actions/fmt.js';
import type { Palette } from '../io/colors.js';
import { messages } from '../messages.js';
import { renderDiagnosticLines } from './diagnostic-line.js';
import { notACommand, printable } from './printable.js';

/** stdout of `ff fmt`: the paths it rewrote (or, with --check, would rewrite), one a line. */
export function renderFmtChangedFiles(report: FmtReport): string {
  return report.files
    .filter((f) => f.status === 'changed')
    .map((f) => `${notACommand(printable(f.file))}\n`)
    .join('');
}

/** stderr of `ff fmt`: the formatter's diagnostics (why files were refused), then a summary. */
export function renderFmtSummary(report: FmtReport, colors: Palette): string {
  const count = (status: string) => report.files.filter((f) => f.status === status).length;
  const changed = count('changed');
  const refused = count('refused');
  const problems = renderDiagnosticLines(
    report.files.flatMap((f) => f.diagnostics),
    colors,
    report.dir,
  );

  const lines: string[] = [];
  if (report.files.length === 0) lines.push(messages.fmtNoFiles(report.dir));
  else if (report.check) {
    lines.push(changed > 0 ? colors.red(messages.fmtCheckDirty(changed)) : colors.green(messages.fmtCheckOk(count('unchanged'))));
  } else lines.push(colors.green(messages.fmtChanged(changed, count('unchanged'))));
  if (refused > 0) lines.push(colors.red(messages.fmtRefused(refused)));
  return `${problems}${lines.join('\n')}\n`;
}
