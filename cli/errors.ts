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
  /** A file could not be read or written. */
  IO: ExitCode.failure,
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
