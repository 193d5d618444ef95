export type Severity = 'error' | 'warning';

/**
 * One finding about a flags repository or a submitted state. `code` is stable
 * (documented in docs/diagnostics.md); `message` is for humans.
 */
export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  /**
   * Path of the file (POSIX separators) as a user can open it: relative to the
   * working directory when the file is under it, else under the directory as
   * given to loadRepository. Absent for states not read from files.
   */
  file?: string;
  /** 1-based line and column of the offending node; absent when there is no file. */
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  /** JSON pointer of the offending node within its document (or within the submitted body). */
  path?: string;
}

/** True when any diagnostic is an error: callers must not use the loaded state then. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
