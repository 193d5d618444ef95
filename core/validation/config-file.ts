// A repository configuration file (.ff-lint.yaml, .ff-codeowners.yaml): read
// with the same YAML profile and positioned diagnostics as the flags files,
// checked against its schema. An empty file is `{ version: 1 }`.
import { locatePointer } from '../yaml/locate.js';
import { parseYaml } from '../yaml/parse.js';
import { diagnosticAt } from '../yaml/positions.js';
import { schemaIssues } from './schema-check.js';
import type { SchemaKind } from './schemas.js';
import type { Issue } from './issue.js';
import type { Diagnostic } from './types.js';

export type ConfigRead<T> = { ok: true; config: T } | { ok: false; diagnostics: Diagnostic[] };

/**
 * `check` runs on a value the schema accepted: what a schema cannot say (a
 * pattern that must compile), reported at its position like a schema issue.
 */
export function readConfigFile<T>(text: string, file: string, kind: SchemaKind, check?: (config: T) => Issue[]): ConfigRead<T> {
  const parsed = parseYaml(text, file);
  if (!parsed.ok) return { ok: false, diagnostics: parsed.diagnostics.filter((d) => d.severity === 'error') };
  const value = parsed.empty ? { version: 1 } : parsed.value;
  let issues = schemaIssues(kind, value);
  if (issues.length === 0 && check !== undefined) issues = check(value as T);
  if (issues.length === 0) return { ok: true, config: value as T };
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
