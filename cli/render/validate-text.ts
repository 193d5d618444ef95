import type { ValidationReport } from '../actions/validate.js';
import type { Palette } from '../io/colors.js';
import { messages } from '../messages.js';
import { renderDiagnosticLines } from './diagnostic-line.js';

/** "No problems found in 12 files (2 tenants)." or "Found 2 errors and 1 warning in 12 files." */
export function renderValidationSummary(report: ValidationReport, colors: Palette): string {
  if (report.diagnostics.length === 0) {
    return colors.green(messages.validateOk(report.files.length, report.tenants.length));
  }
  const paint = report.ok ? colors.yellow : colors.red;
  return paint(messages.validateProblems(report.errors, report.warnings, report.files.length));
}

/** `ff validate --format text`: one line per diagnostic, then the summary. */
export function renderValidationText(report: ValidationReport, colors: Palette): string {
  const lines = renderDiagnosticLines(report.diagnostics, colors, report.dir);
  return `${lines}${lines ? '\n' : ''}${renderValidationSummary(report, colors)}\n`;
}
