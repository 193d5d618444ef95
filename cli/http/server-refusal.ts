import { CliError, type CliErrorCode } from '../errors.js';
import { messages } from '../messages.js';

/** The server's one error shape (docs/api.md, "Errors"). */
export interface ServerErrorBody {
  code: string;
  message: string;
  details: unknown[];
}

/** Server codes a CLI user acts on differently; every other 4xx is SERVER_REJECTED. */
const SERVER_TO_CLI: Record<string, CliErrorCode> = {
  STALE_PLAN: 'STALE_PLAN',
  DELETES_NOT_ALLOWED: 'DELETES_NOT_ALLOWED',
  DELETES_IN_USE: 'DELETES_IN_USE',
  INVALID_STATE: 'INVALID_STATE',
  SEMANTIC_VALIDATION_FAILED: 'INVALID_STATE',
  SCHEMA_VALIDATION_FAILED: 'INVALID_STATE',
  NOT_FOUND: 'NOT_FOUND',
  FLAG_NOT_FOUND: 'NOT_FOUND',
};

/**
 * A 4xx answer in the server's error shape. Commands that know what a code
 * means (STALE_PLAN, FLAG_NOT_FOUND...) catch it and say more; uncaught, it
 * prints as one line naming the server's code.
 */
export class ServerRefusal extends CliError {
  constructor(
    /** `METHOD /path`, for the message. */
    readonly request: string,
    readonly status: number,
    readonly body: ServerErrorBody,
  ) {
    super(SERVER_TO_CLI[body.code] ?? 'SERVER_REJECTED', messages.serverRefused(request, status, body.code, body.message));
  }

  get apiCode(): string {
    return this.body.code;
  }

  get details(): unknown[] {
    return this.body.details;
  }
}

export function isServerErrorBody(value: unknown): value is { error: ServerErrorBody } {
  if (typeof value !== 'object' || value === null) return false;
  const error = (value as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return false;
  const e = error as Record<string, unknown>;
  return typeof e.code === 'string' && typeof e.message === 'string';
}
