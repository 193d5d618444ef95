// The three renderings of `ff lint`: text for a terminal, one JSON document,
// GitHub workflow annotations.
import type { LintFinding } from '../../core/lint/lint.js';
import type { LintReport } from '../actions/lint.js';
import type { Palette } from '../io/colors.js';
import { messages } from '../messages.js';
import { escapeGithubData, escapeGithubProperty, githubFilePath } from './validate-github.js';

function location(f: LintFinding): string {
  return `${f.file}:${f.line}:${f.column}`;
}

export function renderLintLine(f: LintFinding, colors: Palette): string {
  const paint = f.severity === 'error' ? colors.red : f.severity === 'warning' ? colors.yellow : colors.cyan;
  return `${location(f)}  ${paint(f.severity.padEnd('warning'.length))}  ${colors.bold(f.code)}  ${f.message}`;
}

/** "2 warnings, 1 notice in 14 flags (2 tenants)." plus what limited the judgement. */
export function renderLintSummary(report: LintReport, colors: Palette): string {
  const lines: string[] = [];
  if (report.findings.length === 0) lines.push(colors.green(messages.lintClean(report.flags, report.tenants)));
  else {
    const { error, warning, notice } = report.counts;
    const parts = [
      ...(error > 0 ? [messages.count(error, 'error')] : []),
      ...(warning > 0 ? [messages.count(warning, 'warning')] : []),
      ...(notice > 0 ? [messages.count(notice, 'notice')] : []),
    ];
    const paint = error > 0 ? colors.red : colors.yellow;
    lines.push(paint(`${parts.join(', ')} in ${messages.count(report.flags, 'flag')} (${messages.count(report.tenants, 'tenant')}).`));
  }
  if (!report.history) lines.push(colors.dim('Ages not checked: the directory is not in a Git repository with commits (only expires makes a flag stale).'));
  else if (report.shallow) lines.push(colors.dim('The Git history is shallow: flags may be older than their age here (fetch the whole history for exact ages).'));
  if (report.usageFrom !== null) lines.push(colors.dim(`Usage read from ${report.usageFrom}.`));
  return lines.join('\n');
}

export function renderLintText(report: LintReport, colors: Palette): string {
  const lines = report.findings.map((f) => `${renderLintLine(f, colors)}\n`).join('');
  return `${lines}${renderLintSummary(report, colors)}\n`;
}

/** `ff lint --format json`: versioned; fields are only ever added. */
export function renderLintJson(report: LintReport): string {
  const document = {
    version: 1,
    dir: report.dir,
    at: report.at,
    config: report.config,
    history: report.history,
    shallow: report.shallow,
    usage_from: report.usageFrom,
    summary: { tenants: report.tenants, flags: report.flags, ...report.counts },
    findings: report.findings,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** `ff lint --format github`: one workflow command per finding (error, warning or notice). */
export function renderLintGithub(report: LintReport, workspace: string): string {
  return report.findings
    .map((f) => {
      const props = [
        ['file', githubFilePath(f.file, workspace)],
        ['line', f.line],
        ['col', f.column],
        ['endLine', f.endLine],
        ['endColumn', f.endColumn],
        ['title', f.code],
      ]
        .filter((p): p is [string, string | number] => p[1] !== undefined)
        .map(([key, value]) => `${key}=${escapeGithubProperty(String(value))}`)
        .join(',');
      return `::${f.severity} ${props}::${escapeGithubData(f.message)}\n`;
    })
    .join('');
}
