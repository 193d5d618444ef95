import type { Diagnostic } from '../../core/validation/types.js';
import type { Palette } from '../io/colors.js';
import { notACommand, printable, printableLines } from './printable.js';

/**
 * `file:line:col`, the form editors and terminals turn into links. Core names
 * files relative to the working directory already; a diagnostic about no file
 * in particular is placed at `fallback` (the repository directory).
 */
export function diagnosticLocation(d: Diagnostic, fallback: string): string {
  if (d.file === undefined) return printable(fallback);
  const file = printable(d.file);
  if (d.line === undefined) return file;
  return d.column === undefined ? `${file}:${d.line}` : `${file}:${d.line}:${d.column}`;
}

/**
 * `file:line:col  severity  CODE  message`; continuation lines of a message
 * are indented. File names and messages are escaped (printable.ts): no line
 * of it can be a terminal escape or a workflow command.
 */
export function renderDiagnosticLine(d: Diagnostic, colors: Palette, fallback = '.'): string {
  const severity = d.severity.padEnd('warning'.length);
  const paint = d.severity === 'error' ? colors.red : colors.yellow;
  const message = printableLines(d.message.replace(/\r\n/g, '\n'))
    .split('\n')
    .map((l, i) => (i === 0 ? l : notACommand(`    ${l}`)))
    .join('\n');
  return notACommand(`${diagnosticLocation(d, fallback)}  ${paint(severity)}  ${colors.bold(d.code)}  ${message}`);
}

export function renderDiagnosticLines(diagnostics: readonly Diagnostic[], colors: Palette, fallback = '.'): string {
  return diagnostics.map((d) => `${renderDiagnosticLine(d, colors, fallback)}\n`).join('');
}
