import { ExitCode } from './exit-codes.js';

/**
 * Stable codes of the CLI's one error type. Match on the code, never on the
 * message. Each maps to its exit status here, and nowhere else.
 */
export const CLI_ERROR_EXIT = {
  /** Bad flags or arguments (includes oclif's parse errors). */
  USAGE: ExitCode.failure,
  /** `--context` is not JSON, or its file cannot be read. */
  INVALID_CONTEXT: ExitCode.failure,
  /** The flags directory does not exist or is not a directory. */
  REPO_NOT_FOUND: ExitCode.failure,
  /** The flags repository is too large to load (core's size caps). */
  REPO_TOO_LARGE: ExitCode.failure,
  /** The flags repository has errors, so there is nothing trustworthy to evaluate. */
  REPO_INVALID: ExitCode.failure,
  UNKNOWN_TENANT: ExitCode.failure,
  UNKNOWN_ENVIRONMENT: ExitCode.failure,
  /** `ff lint`: the repository's .ff-lint.yaml (or --config) is not a lint configuration. */
  LINT_CONFIG_INVALID: ExitCode.failure,
  /** `--at` is not an ISO-8601 date or date-time with an offset. */
  INVALID_TIME: ExitCode.failure,
  /** `ff promote`: a flag key names no flag of the repository (or of --tenant). */
  UNKNOWN_FLAG: ExitCode.failure,
  /** `ff promote`: the promotion cannot be made (a flag has no --from configuration, the same flag key in several tenants, a file that cannot be edited, an invalid result). */
  PROMOTE_REFUSED: ExitCode.failure,
  /** `ff codeowners`: the repository's .ff-codeowners.yaml is not valid. */
  CODEOWNERS_CONFIG_INVALID: ExitCode.failure,
  /** `ff codeowners --check`: the CODEOWNERS file's ff section is not what the flags say. */
  CODEOWNERS_OUTDATED: ExitCode.failure,
  /** `ff refs`: the source tree's .ff-refs.yaml is not valid. */
  REFS_CONFIG_INVALID: ExitCode.failure,
  /** A file could not be read or written. */
  IO: ExitCode.failure,
  /** No answer from the server: connection refused, unknown host, timeout. */
  SERVER_UNREACHABLE: ExitCode.failure,
  /** No token, or the server refused it (401). */
  UNAUTHENTICATED: ExitCode.failure,
  /** The token lacks the scope or does not cover the tenant (403). */
  FORBIDDEN: ExitCode.failure,
  /** The server failed (5xx) or answered something that is not its API. */
  SERVER_ERROR: ExitCode.failure,
  /** The server refused the request (a 4xx with no more specific code below). */
  SERVER_REJECTED: ExitCode.failure,
  /** The server has no such resource (404). */
  NOT_FOUND: ExitCode.failure,
  /** The plan was computed against a revision that is no longer current, or no longer plans the reviewed changes (409 STALE_PLAN). */
  STALE_PLAN: ExitCode.stale,
  /** The plan deletes resources and --allow-delete was not given (409 DELETES_NOT_ALLOWED). */
  DELETES_NOT_ALLOWED: ExitCode.failure,
  /** The plan deletes flags still in use and --allow-delete-in-use was not given (or the server said 409 DELETES_IN_USE). */
  DELETES_IN_USE: ExitCode.failure,
  /** The server found the resulting state invalid (422). */
  INVALID_STATE: ExitCode.failure,
  /** The flags directory is not inside a Git repository, or the repository has no commit. */
  NOT_A_GIT_REPOSITORY: ExitCode.failure,
  /** A git command failed (unknown revision, corrupt repository...). */
  GIT: ExitCode.failure,
  /** The flags directory has uncommitted changes and --allow-dirty was not given. */
  DIRTY_TREE: ExitCode.failure,
  /** `--plan FILE` is not a saved plan this version reads. */
  PLAN_FILE_INVALID: ExitCode.failure,
  /** The files changed since `ff plan --out` saved the plan. */
  PLAN_FILES_CHANGED: ExitCode.stale,
  /** `ff apply` cannot ask (no terminal) and --auto-approve was not given. */
  APPROVAL_REQUIRED: ExitCode.failure,
  /** The person at the terminal answered no. */
  APPLY_CANCELLED: ExitCode.failure,
  /** `ff export`: the server holds nothing for the tenant, or the output folder is in use. */
  EXPORT_REFUSED: ExitCode.failure,
  /** `ff token`: FF_JWT_SECRET is missing or too short. */
  MISSING_SECRET: ExitCode.failure,
  /** A bug: anything we did not expect. */
  INTERNAL: ExitCode.failure,
} as const satisfies Record<string, ExitCode>;

export type CliErrorCode = keyof typeof CLI_ERROR_EXIT;

/** An expected failure: printed as one line, no stack trace. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly code: CliErrorCode,
    message: string,
    /** Extra lines printed after the message (for example diagnostics). */
    readonly detail?: string,
  ) {
    super(message);
  }

  get exitCode(): ExitCode {
    return CLI_ERROR_EXIT[this.code];
  }
}
