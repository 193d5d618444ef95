import type { TenantState } from '../../../core/model/index.js';
import type { Diagnostic } from '../../../core/validation/types.js';
import type { ErrorDetail } from '../../errors.js';
import type { DocumentKind } from '../documents/types.js';

const FIELD_KIND: Record<string, DocumentKind> = { flags: 'flag', segments: 'segment', environments: 'environment', experiments: 'experiment' };

/** The document a REST write submitted: its diagnostics get body-relative paths. */
export interface Focus {
  kind: DocumentKind;
  key: string;
}

/** One diagnostic as an error detail: the resource and key it is about (unless it is the submitted one), and a pointer inside that document. */
export function toDetail(d: Diagnostic, state: TenantState, focus?: Focus): ErrorDetail {
  const detail: ErrorDetail = { code: d.code, message: d.message };
  const match = /^\/(flags|segments|environments|experiments)\/(\d+)(\/.*)?$/.exec(d.path ?? '');
  if (!match) {
    if (d.path !== undefined) detail.path = d.path;
    return detail;
  }
  const field = match[1] as 'flags' | 'segments' | 'environments' | 'experiments';
  const kind = FIELD_KIND[field] as DocumentKind;
  const key = (state[field] ?? [])[Number(match[2])]?.key;
  detail.path = match[3] ?? '';
  if (!(focus && focus.kind === kind && focus.key === key)) {
    detail.resource = kind;
    if (key !== undefined) detail.key = key;
  }
  return detail;
}
