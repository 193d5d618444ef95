// .ff-lint.yaml: read like every other file of a flags repository.
import type { LintConfig } from '../model/index.js';
import { readConfigFile, type ConfigRead } from '../validation/config-file.js';

/** Its name at the root of a flags repository (a dot-file, so the loader never reads it as flags). */
export const LINT_CONFIG_FILE = '.ff-lint.yaml';

export type LintConfigRead = ConfigRead<LintConfig>;

export function readLintConfig(text: string, file: string): LintConfigRead {
  return readConfigFile<LintConfig>(text, file, 'lint-config');
}
