import { ApiError } from '../../errors.js';
import type { KindSpec } from '../documents/kind-spec.js';

export const ENVIRONMENT_SPEC: KindSpec<'environment'> = {
  kind: 'environment',
  label: 'environment',
  stateField: 'environments',
  store: (s) => s.environments,
  // Archiving would silently break every SDK holding one of its keys: make
  // the operator revoke them first.
  async beforeArchive(stores, tenant, key) {
    const live = await stores.apiKeys.countActive(tenant, key);
    if (live > 0) {
      throw new ApiError(409, 'CONFLICT', `the environment has ${live} active API key(s): revoke them before archiving it`);
    }
  },
};
