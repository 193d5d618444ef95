import type { RefsConfig } from '../model/index.js';
import { readConfigFile, type ConfigRead } from '../validation/config-file.js';

/** At the root of the (first) source tree searched. */
export const REFS_CONFIG_FILE = '.ff-refs.yaml';

export function readRefsConfig(text: string, file: string): ConfigRead<RefsConfig> {
  return readConfigFile<RefsConfig>(text, file, 'refs-config');
}
