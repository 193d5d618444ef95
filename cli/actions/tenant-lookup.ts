import type { TenantState } from '../../core/model/index.js';
import { CliError } from '../errors.js';
import { messages } from '../messages.js';

/** The tenant of a loaded repository, or an UNKNOWN_TENANT error listing the known ones. */
export function findTenant(tenants: readonly TenantState[], tenant: string): TenantState {
  const found = tenants.find((t) => t.tenant === tenant);
  if (!found) {
    throw new CliError('UNKNOWN_TENANT', messages.unknownTenant(tenant, tenants.map((t) => t.tenant).sort()));
  }
  return found;
}

/** Fails with UNKNOWN_ENVIRONMENT unless the tenant declares `environment`. */
export function assertEnvironment(state: TenantState, environment: string): void {
  const known = state.environments.map((e) => e.key);
  if (!known.includes(environment)) {
    throw new CliError('UNKNOWN_ENVIRONMENT', messages.unknownEnvironment(state.tenant, environment, known));
  }
}
