import type { TenantFile, TenantState } from '../model/index.js';
import type { SemanticModel } from '../validation/semantic/index.js';
import type { Diagnostic } from '../validation/types.js';
import type { ParsedSource } from './parse-source.js';

export interface LoadOptions {
  /** Largest YAML file read, in bytes (default 1 MiB). Checked with stat, before reading. */
  maxFileBytes?: number;
  /** Largest total of YAML bytes in the repository (default 128 MiB). Checked before parsing anything. */
  maxRepoBytes?: number;
  /** Also return each tenant's located model (`RepoLoadResult.models`): what `ff lint` places its findings with. */
  keepModels?: boolean;
}

/** One tenant as loaded, with where each flag and segment lives (for checks beyond validation). */
export interface TenantModel {
  tenant: string;
  /** tenant.yaml's `lifetimes`, when it declares valid ones. */
  lifetimes: TenantFile['lifetimes'];
  model: SemanticModel<ParsedSource>;
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
  /** With `keepModels`: one per tenant of `tenants`, in the same order. */
  models?: TenantModel[];
}

export interface TenantLoadResult {
  tenant: TenantState | undefined;
  diagnostics: Diagnostic[];
  files: string[];
}
