// Turning byte offsets of a YAML source into the line/column fields of a
// Diagnostic. One LineCounter per file is filled while parsing, so a lookup is a
// binary search, not a rescan.
import type { LineCounter } from 'yaml';
import { severityOf } from '../validation/codes.js';
import type { DiagnosticCode } from '../validation/codes.js';
import type { Diagnostic } from '../validation/types.js';

/** Offsets into the source: `end` is just past the node. */
export interface SourceRange {
  start: number;
  end: number;
}

export function rangeFields(lineCounter: LineCounter, range: SourceRange): Pick<Diagnostic, 'line' | 'column' | 'endLine' | 'endColumn'> {
  const start = lineCounter.linePos(range.start);
  const end = lineCounter.linePos(Math.max(range.end, range.start));
  return { line: start.line, column: start.col, endLine: end.line, endColumn: end.col };
}

/** A diagnostic about the node at `range` of `file`. */
export function diagnosticAt(
  code: DiagnosticCode,
  message: string,
  file: string,
  lineCounter: LineCounter,
  range: SourceRange,
  path?: string,
): Diagnostic {
  const diagnostic: Diagnostic = { code, severity: severityOf(code), message, file, ...rangeFields(lineCounter, range) };
  if (path !== undefined) diagnostic.path = path;
  return diagnostic;
}

/** A diagnostic about a whole file, placed at its first character. */
export function diagnosticAtFileStart(code: DiagnosticCode, message: string, file: string): Diagnostic {
  return { code, severity: severityOf(code), message, file, line: 1, column: 1 };
}
