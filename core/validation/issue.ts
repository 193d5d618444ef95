// A finding before it is placed in a file: a code, a message and a JSON
// pointer into the value that was checked. The repository loader turns the
// pointer into file:line:column; validateTenantState reports the pointer as is.
import type { PointerTarget } from '../yaml/locate.js';
import { severityOf } from './codes.js';
import type { DiagnosticCode } from './codes.js';
import type { Diagnostic, Severity } from './types.js';

export interface Issue {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  /** JSON pointer of the offending node within the checked value. */
  pointer: string;
  /** Point at the node itself, or at the key of the map entry that holds it. */
  at: PointerTarget;
}

export function makeIssue(code: DiagnosticCode, message: string, pointer: string, at: PointerTarget = 'value'): Issue {
  return { code, severity: severityOf(code), message, pointer, at };
}

/** A diagnostic with no file: the pointer is its only location. */
export function issueToDiagnostic(issue: Issue): Diagnostic {
  return { code: issue.code, severity: issue.severity, message: issue.message, path: issue.pointer };
}
