// .ff-lint.yaml: read with the same YAML profile and the same kind of
// positioned diagnostics as every other file of a flags repository.
import type { LintConfig } from '../model/index.js';
import { schemaIssues } from '../validation/schema-check.js';
import type { Diagnostic } from '../validation/types.js';
import { locatePointer } from '../yaml/locate.js';
import { parseYaml } from '../yaml/parse.js';
import { diagnosticAt } from '../yaml/positions.js';

/** Its name at the root of a flags repository (a dot-file, so the loader never reads it as flags). */
export const LINT_CONFIG_FILE = '.ff-lint.yaml';

export type LintConfigRead = { ok: true; config: LintConfig } | { ok: false; diagnostics: Diagnostic[] };

export function readLintConfig(text: string, file: string): LintConfigRead {
  const parsed = parseYaml(text, file);
  if (!parsed.ok) return { ok: false, diagnostics: parsed.diagnostics.filter((d) => d.severity === 'error') };
  const value = parsed.empty ? { version: 1 } : parsed.value;
  const issues = schemaIssues('lint-config', value);
  if (issues.length === 0) return { ok: true, config: value as LintConfig };
  const document = parsed.document;
  return {
    ok: false,
    diagnostics: issues
      .map((issue): Diagnostic =>
      document === undefined
        ? { code: issue.code, severity: issue.severity, message: issue.message, file, line: 1, column: 1, path: issue.pointer }
        : diagnosticAt(issue.code, issue.message, file, parsed.lineCounter, locatePointer(document, issue.pointer, issue.at), issue.pointer),
      )
      .sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0)),
  };
}
