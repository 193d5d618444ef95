// `ff lint`: findings about a valid repository that should be looked at.
export { DEFAULT_MAX_TARGETS, DEFAULT_UNUSED_DAYS, LINT_CODES } from './codes.js';
export type { LintCode, LintSeverity } from './codes.js';
export { LINT_CONFIG_FILE, readLintConfig } from './config.js';
export type { LintConfigRead } from './config.js';
export { lintRepository, reachableVariants } from './lint.js';
export type { LintFinding, LintInput, UsageLookup } from './lint.js';
