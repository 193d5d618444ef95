// The validation entry points the server uses: a whole tenant state (schema,
// then semantics), or one document (schema only). Diagnostics carry a JSON
// pointer into the value, no file.
import type { TenantState } from '../model/index.js';
import { issueToDiagnostic } from './issue.js';
import { schemaIssues } from './schema-check.js';
import type { SchemaKind } from './schemas.js';
import { checkSemantics } from './semantic/index.js';
import { modelFromState } from './state-model.js';
import type { Diagnostic } from './types.js';

/** Every schema and semantic problem of a tenant's whole state, e.g. path /flags/3/environments/production/rules/0/serve/variant. */
export function validateTenantState(state: TenantState): Diagnostic[] {
  const issues = schemaIssues('tenant-state', state);
  const semantic = checkSemantics(modelFromState(state, issues), (_origin, at) => at);
  return [...issues, ...semantic].map(issueToDiagnostic);
}

/** Schema problems of one document of the given kind (a REST body, say). */
export function validateDocument(kind: SchemaKind, value: unknown): Diagnostic[] {
  return schemaIssues(kind, value).map(issueToDiagnostic);
}
