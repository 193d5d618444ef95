import type { TenantState } from '../../core/model/index.js';
import type { Diagnostic } from '../../core/validation/types.js';
import { assertDirectory } from '../io/repo-dir.js';

export interface TenantSummary {
  key: string;
  environments: string[];
  flags: number;
  segments: number;
}

/** The outcome of `ff validate`: plain data that every output format renders. */
export interface ValidationReport {
  /** The directory as the user named it. */
  dir: string;
  ok: boolean;
  /** Every YAML file loaded, named as in diagnostics: relative to the working directory when under it. */
  files: string[];
  tenants: TenantSummary[];
  errors: number;
  warnings: number;
  /** In core's order (file, line, column, code): stable output for diffs and tests. */
  diagnostics: Diagnostic[];
}

/** A validated repository: the report, and the tenants as loaded (for evaluation). */
export interface LoadedRepository {
  report: ValidationReport;
  tenants: TenantState[];
}

/** Loads and validates a flags repository (both layers) without printing anything. */
export async function loadAndValidate(dir: string): Promise<LoadedRepository> {
  await assertDirectory(dir);
  // Loaded on demand: the YAML parser and the schema validator are most of
  // start-up time, and `ff --help` or `ff fmt --help` should not pay for them.
  const { loadRepository } = await import('../../core/repo/index.js');
  const loaded = await loadRepository(dir);
  const diagnostics = loaded.diagnostics;
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const report: ValidationReport = {
    dir,
    ok: errors === 0,
    files: loaded.files,
    tenants: loaded.tenants.map((t) => ({
      key: t.tenant,
      environments: t.environments.map((e) => e.key),
      flags: t.flags.length,
      segments: t.segments.length,
    })),
    errors,
    warnings: diagnostics.length - errors,
    diagnostics,
  };
  return { report, tenants: loaded.tenants };
}

/**
 * Loads and validates one tenant folder only (what `ff eval` needs: another
 * tenant's mistakes are not this evaluation's). An unknown tenant fails with
 * the repository's tenant list, which only then is loaded whole.
 */
export async function loadAndValidateTenant(dir: string, tenant: string): Promise<LoadedRepository> {
  await assertDirectory(dir);
  const [{ loadTenant }, { CoreError }, { findTenant }] = await Promise.all([
    import('../../core/repo/index.js'),
    import('../../core/errors.js'),
    import('./tenant-lookup.js'),
  ]);
  let loaded: Awaited<ReturnType<typeof loadTenant>>;
  try {
    loaded = await loadTenant(dir, tenant);
  } catch (error) {
    if (error instanceof CoreError && error.code === 'UNKNOWN_TENANT') findTenant((await loadAndValidate(dir)).tenants, tenant);
    throw error;
  }
  const state = loaded.tenant;
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error').length;
  const report: ValidationReport = {
    dir,
    ok: errors === 0,
    files: loaded.files,
    tenants: state === undefined ? [] : [{ key: state.tenant, environments: state.environments.map((e) => e.key), flags: state.flags.length, segments: state.segments.length }],
    errors,
    warnings: loaded.diagnostics.length - errors,
    diagnostics: loaded.diagnostics,
  };
  return { report, tenants: state === undefined ? [] : [state] };
}

export async function validateRepository(dir: string): Promise<ValidationReport> {
  return (await loadAndValidate(dir)).report;
}
