import type { Flag, TenantState } from '../../core/model/index.js';

/**
 * What an SDK evaluating locally downloads for one environment: that
 * environment, its flags (with only that environment's targeting, so a
 * development key never sees production's target lists) and the segments.
 * Feeding it to buildSnapshot gives the server's answers exactly.
 */
export interface ConfigDocument {
  etag: string;
  /** Serialized once; the route sends this string as is. */
  json: string;
}

export function buildConfigDocument(state: TenantState, environment: string, revision: number): ConfigDocument {
  const flags: Flag[] = state.flags.map((flag) => {
    const envConfig = flag.environments?.[environment];
    const { environments: _all, ...rest } = flag;
    return envConfig === undefined ? rest : { ...rest, environments: { [environment]: envConfig } };
  });
  const experiments = (state.experiments ?? []).filter((e) => e.environment === environment);
  const doc = {
    tenant: state.tenant,
    environment,
    revision,
    environments: state.environments.filter((e) => e.key === environment),
    flags,
    segments: state.segments,
    // The SDK records exposures locally: it needs this environment's experiments.
    ...(experiments.length > 0 ? { experiments } : {}),
  };
  return { etag: `"${revision}-${environment}"`, json: JSON.stringify(doc) };
}
