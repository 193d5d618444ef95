/**
 * The one error type of core/. Callers match on `code`, never on message text.
 * Server and CLI wrap these in their own layer's error type.
 */
export class CoreError extends Error {
  override readonly name = 'CoreError';
  constructor(
    readonly code: CoreErrorCode,
    message: string,
    readonly details: readonly unknown[] = [],
  ) {
    super(message);
  }
}

export type CoreErrorCode =
  | 'REPO_NOT_FOUND'
  | 'REPO_TOO_LARGE'
  | 'FILE_TOO_LARGE'
  | 'INVALID_STATE'
  | 'UNKNOWN_TENANT'
  | 'UNKNOWN_ENVIRONMENT';
