import type { TenantState } from '../../core/model/index.js';
import { assertEnvironment, findTenant } from './tenant-lookup.js';
import { loadAndValidate, type ValidationReport } from './validate.js';

/** A tenant's state as the files declare it, validated like `ff validate` does. */
export type DesiredState =
  | { ok: true; report: ValidationReport; state: TenantState; filesHash: () => string }
  | { ok: false; report: ValidationReport };

/**
 * Loads and validates the whole repository (the same code as `ff validate`:
 * an invalid repository is never planned or applied), then picks the tenant
 * and checks the environments the plan is limited to.
 */
export async function loadDesiredState(dir: string, tenant: string, environments: readonly string[] | null): Promise<DesiredState> {
  const [{ report, tenants }, { contentHash }] = await Promise.all([loadAndValidate(dir), import('../../core/diff/index.js')]);
  if (!report.ok) return { ok: false, report };
  const state = findTenant(tenants, tenant);
  for (const env of environments ?? []) assertEnvironment(state, env);
  // Only a saved plan needs the files' hash: canonicalizing a 5,000-flag state is not free.
  let filesHash: string | undefined;
  return { ok: true, report, state, filesHash: () => (filesHash ??= contentHash(state)) };
}
