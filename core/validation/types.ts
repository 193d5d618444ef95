export type Severity = 'error' | 'warning';

/**
 * One finding about a flags repository or a submitted state. `code` is stable
 * (documented in docs/diagnostics.md); `message` is for humans.
 */
export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  /** Repository-relative path (POSIX separators); absent for states not read from files. */
  file?: string;
  /** 1-based line and column of the offending node; absent when there is no file. */
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  /** JSON pointer of the offending node within its document (or within the submitted body). */
  path?: string;
}
