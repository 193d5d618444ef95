import { Errors } from '@oclif/core';
import { CoreError } from '../core/errors.js';
import { closest } from '../core/validation/suggest.js';
import { CliError, type CliErrorCode } from './errors.js';
import { stripAnsi } from './io/colors.js';
import { messages } from './messages.js';

/** Core's codes that mean the same thing to a CLI user; the rest are bugs. */
const CORE_TO_CLI: Partial<Record<CoreError['code'], CliErrorCode>> = {
  REPO_NOT_FOUND: 'REPO_NOT_FOUND',
  REPO_TOO_LARGE: 'REPO_TOO_LARGE',
  FILE_TOO_LARGE: 'REPO_TOO_LARGE',
  UNKNOWN_TENANT: 'UNKNOWN_TENANT',
  UNKNOWN_ENVIRONMENT: 'UNKNOWN_ENVIRONMENT',
};

// oclif's parse errors span several lines ("The following error occurred:",
// "See more help with --help"); a CLI error here is one line.
const OCLIF_NOISE = [/^See more help with --help$/, /^The following errors? occurred:$/];

function oneLine(message: string): string {
  const lines = stripAnsi(message)
    .split('\n')
    .map((line) => line.trim().replace(/\s+/g, ' '))
    .filter((line) => line !== '' && !OCLIF_NOISE.some((noise) => noise.test(line)));
  // "Missing 1 required arg:" introduces the next line; anything else is a separate error.
  return lines.reduce((joined, line) => (joined === '' ? line : `${joined}${joined.endsWith(':') ? ' ' : '; '}${line}`), '');
}

function isParseError(err: unknown): err is Errors.CLIError & { parse: unknown } {
  return err instanceof Errors.CLIError && 'parse' in err;
}

function isNodeFsError(err: unknown): err is NodeJS.ErrnoException & { path: string } {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string' && 'path' in err;
}

/** "Nonexistent flag: --formt" → "…; did you mean --format?" when one of the command's flags is close. */
function withFlagSuggestion(message: string, flagNames: readonly string[]): string {
  const typo = /Nonexistent flags?: --([^\s,]+)/.exec(message)?.[1];
  const suggestion = typo === undefined ? undefined : closest(typo, flagNames);
  return suggestion === undefined ? message : `${message}: ${messages.didYouMeanFlag(suggestion)}`;
}

/** Whatever was thrown, as the CLI's one error type (unexpected ones become INTERNAL). */
export function toCliError(err: unknown, commandId: string | undefined, flagNames: readonly string[] = []): CliError {
  if (err instanceof CliError) return err;
  if (err instanceof CoreError) {
    const code = CORE_TO_CLI[err.code];
    return code ? new CliError(code, err.message) : new CliError('INTERNAL', messages.internal(err.message));
  }
  if (isParseError(err)) return new CliError('USAGE', messages.usage(commandId, withFlagSuggestion(oneLine(err.message), flagNames)));
  if (isNodeFsError(err)) return new CliError('IO', messages.ioFailure(err.path, err.code ?? err.message));
  const detail = err instanceof Error ? err.message : String(err);
  return new CliError('INTERNAL', messages.internal(oneLine(detail)));
}
