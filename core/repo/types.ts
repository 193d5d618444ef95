import type { TenantState } from '../model/index.js';
import type { Diagnostic } from '../validation/types.js';

export interface LoadOptions {
  /** Largest YAML file read, in bytes (default 1 MiB). Checked with stat, before reading. */
  maxFileBytes?: number;
  /** Largest total of YAML bytes in the repository (default 128 MiB). Checked before parsing anything. */
  maxRepoBytes?: number;
}

/**
 * What a flags repository loads to. `tenants` holds every tenant that could be
 * assembled (its tenant.yaml was readable), sorted by key, with only the flags,
 * segments and environments that passed the schemas. It is usable only when
 * `diagnostics` holds no error: callers must check (hasErrors) and refuse to
 * proceed otherwise. `diagnostics` are sorted by file, line and column; `files`
 * lists every YAML file of the repository's tenants, in the same path form.
 */
export interface RepoLoadResult {
  tenants: TenantState[];
  diagnostics: Diagnostic[];
  files: string[];
}

export interface TenantLoadResult {
  tenant: TenantState | undefined;
  diagnostics: Diagnostic[];
  files: string[];
}
