/**
 * Every exit status `ff` can end with, in one table. Scripts and CI depend on
 * these numbers: never reuse one for a different meaning.
 */
export const ExitCode = {
  /** Success: the files are valid, formatted, the evaluation answered without error. */
  ok: 0,
  /** Any failure: invalid files, files that need formatting, a usage error, an unknown
   *  tenant or environment, an evaluation that answered with an error code. */
  failure: 1,
  /** Success with changes present: reserved for `ff plan --detailed-exitcode`. */
  changes: 2,
  /** The plan to apply is no longer the one the server would apply (it moved, or the files
   *  changed since the plan was saved): nothing was applied; plan again and review that. */
  stale: 3,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
