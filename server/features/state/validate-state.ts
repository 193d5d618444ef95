import type { TenantState } from '../../../core/model/index.js';
import type { Diagnostic } from '../../../core/validation/types.js';
import { validateTenantState } from '../../../core/validation/index.js';
import { unprocessable, type ApiErrorCode, type ErrorDetail } from '../../errors.js';
import type { DocumentKind } from '../documents/types.js';

const FIELD_KIND: Record<string, DocumentKind> = { flags: 'flag', segments: 'segment', environments: 'environment' };

/** The document a REST write submitted: its diagnostics get body-relative paths. */
export interface Focus {
  kind: DocumentKind;
  key: string;
}

/**
 * Runs both validation layers over the tenant's whole resulting state and
 * throws 422 when any error remains (warnings do not block). Each detail names
 * the resource and key it is about, and a JSON pointer inside that document.
 * REST writes answer SEMANTIC_VALIDATION_FAILED; a whole-state replace (apply,
 * seed, watch) answers INVALID_STATE.
 */
export function assertValidState(state: TenantState, focus?: Focus, code: ApiErrorCode = 'SEMANTIC_VALIDATION_FAILED'): void {
  const errors = validateTenantState(state).filter((d) => d.severity === 'error');
  if (errors.length === 0) return;
  const details = errors.map((d) => toDetail(d, state, focus));
  throw unprocessable(code, 'the change would make the tenant state invalid', details);
}

export function toDetail(d: Diagnostic, state: TenantState, focus?: Focus): ErrorDetail {
  const detail: ErrorDetail = { code: d.code, message: d.message };
  const match = /^\/(flags|segments|environments)\/(\d+)(\/.*)?$/.exec(d.path ?? '');
  if (!match) {
    if (d.path !== undefined) detail.path = d.path;
    return detail;
  }
  const field = match[1] as 'flags' | 'segments' | 'environments';
  const kind = FIELD_KIND[field] as DocumentKind;
  const key = state[field][Number(match[2])]?.key;
  detail.path = match[3] ?? '';
  if (!(focus && focus.kind === kind && focus.key === key)) {
    detail.resource = kind;
    if (key !== undefined) detail.key = key;
  }
  return detail;
}
