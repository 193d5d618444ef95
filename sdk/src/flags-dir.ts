// Offline bootstrap from an ff flags repository: loaded and validated by
// core/'s loader, the one `ff validate` runs, so a folder with any error is
// refused with the same diagnostics. Loaded with import() by the client: the
// YAML parser and loader are read only by applications that use this.
import { loadRepository } from '../../core/repo/index.js';
import { hasErrors, type Diagnostic } from '../../core/validation/index.js';
import { documentFromState } from './config-document.js';
import { SdkError } from './errors.js';
import type { EnvironmentConfigDocument } from '../../core/model/index.js';

const where = (d: Diagnostic) => `${d.file ?? ''}${d.line === undefined ? '' : `:${d.line}:${d.column ?? 0}`}`;

export async function documentFromFlagsDir(dir: string, tenant: string, environment: string): Promise<EnvironmentConfigDocument> {
  let loaded;
  try {
    loaded = await loadRepository(dir);
  } catch (error) {
    throw new SdkError('FILE_ERROR', `cannot load the flags repository ${dir}: ${(error as Error).message}`, undefined, { cause: error });
  }
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (hasErrors(loaded.diagnostics)) {
    const shown = errors.slice(0, 3).map((d) => `${where(d)} ${d.code}: ${d.message}`);
    throw new SdkError('INVALID_CONFIG', `the flags repository ${dir} has ${errors.length} error(s): ${shown.join('; ')}`);
  }
  const state = loaded.tenants.find((t) => t.tenant === tenant);
  if (state === undefined) throw new SdkError('INVALID_CONFIG', `the flags repository ${dir} has no tenant "${tenant}"`);
  if (!state.environments.some((e) => e.key === environment)) {
    throw new SdkError('INVALID_CONFIG', `tenant "${tenant}" has no environment "${environment}"`);
  }
  return documentFromState(state, environment);
}
