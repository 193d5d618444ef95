// Every finding code of `ff lint`, with its default severity. Lint asks "should
// it be?" where validation asks "can it be applied?": nothing here stops an
// apply. Codes are stable (docs/lint.md documents each; a test keeps the two
// lists equal); a repository's .ff-lint.yaml can raise, lower or turn off each.

export type LintSeverity = 'error' | 'warning' | 'notice';

export const LINT_CODES = {
  /** The flag's `expires` date has passed. */
  LINT_STALE_EXPIRED: 'warning',
  /** The flag is older than its kind's expected lifetime. */
  LINT_STALE_AGE: 'warning',
  /** The flag serves the same value in every environment, to everyone: a candidate for removal. */
  LINT_FLAG_CONSTANT: 'notice',
  /** No flag of the tenant references the segment. */
  LINT_SEGMENT_UNUSED: 'warning',
  /** The flag names no owner. */
  LINT_OWNER_MISSING: 'warning',
  /** One variant of one environment lists more individual targets than the threshold: a segment or a rule is easier to keep. */
  LINT_TARGETS_LARGE: 'warning',
  /** The server recorded no evaluation of the flag for `unusedDays` days (only with the server's usage: `ff lint --usage`). */
  LINT_NOT_EVALUATED: 'warning',
} as const satisfies Record<string, LintSeverity>;

export type LintCode = keyof typeof LINT_CODES;

/** Longest targets list (per variant, per environment) before LINT_TARGETS_LARGE. */
export const DEFAULT_MAX_TARGETS = 100;

/** Days without an evaluation before LINT_NOT_EVALUATED. */
export const DEFAULT_UNUSED_DAYS = 30;
