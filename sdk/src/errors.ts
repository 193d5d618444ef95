/** Why the SDK refused something or could not reach the server: the `code` is stable, the message is for people. */
export type SdkErrorCode =
  /** A configuration document failed validation (it is never used; the last good one stays). */
  | 'INVALID_CONFIG'
  /** The server answered with an error status (`status` says which). */
  | 'HTTP_ERROR'
  /** No answer: connection refused, reset, timed out. */
  | 'NETWORK_ERROR'
  /** A bootstrap or persisted file could not be read, parsed or written. */
  | 'FILE_ERROR'
  /** Options that cannot work (no server and no bootstrap, say). */
  | 'INVALID_OPTIONS';

export class SdkError extends Error {
  override readonly name = 'SdkError';

  constructor(
    readonly code: SdkErrorCode,
    message: string,
    /** The HTTP status, for HTTP_ERROR. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
