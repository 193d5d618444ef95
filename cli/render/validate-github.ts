import { isAbsolute, relative } from 'node:path';
import type { Diagnostic } from '../../core/validation/types.js';
import type { ValidationReport } from '../actions/validate.js';
import { printable } from './printable.js';

// GitHub's workflow-command escaping (the Actions toolkit's): the message
// escapes %, CR and LF; property values additionally escape ':' and ','.
// Other control characters (ESC…) have no escape there and would reach the
// log as they are: they are shown as visible escapes first (printable.ts).
export function escapeGithubData(value: string): string {
  return printable(value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A'));
}

export function escapeGithubProperty(value: string): string {
  return escapeGithubData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * Annotations must name files relative to the repository checkout. Core names
 * files relative to the working directory (the checkout, in a workflow) unless
 * they lie outside it; those are made relative to `workspace` (GITHUB_WORKSPACE).
 */
export function githubFilePath(file: string, workspace: string): string {
  return isAbsolute(file) ? relative(workspace, file) : file;
}

export function renderGithubAnnotation(d: Diagnostic, workspace: string): string {
  const properties: [string, string | number | undefined][] = [
    ['file', d.file === undefined ? undefined : githubFilePath(d.file, workspace)],
    ['line', d.line],
    ['col', d.column],
    ['endLine', d.endLine],
    ['endColumn', d.endColumn],
    ['title', d.code],
  ];
  const props = properties
    .filter((p): p is [string, string | number] => p[1] !== undefined)
    .map(([key, value]) => `${key}=${escapeGithubProperty(String(value))}`)
    .join(',');
  const command = d.severity === 'error' ? 'error' : 'warning';
  return `::${command} ${props}::${escapeGithubData(d.message)}`;
}

/** `ff validate --format github`: one workflow command per diagnostic, nothing else. */
export function renderValidationGithub(report: ValidationReport, workspace: string): string {
  return report.diagnostics.map((d) => `${renderGithubAnnotation(d, workspace)}\n`).join('');
}
