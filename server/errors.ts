/**
 * The one error type of the HTTP layer. Routes and services throw it; the single
 * error handler (http/error-handler.ts) renders it as {error:{code,message,details}}.
 * Clients match on `code`, never on `message`.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly statusCode: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
    /** Extra response headers (e.g. WWW-Authenticate on 401). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** One entry of `error.details`: where (JSON pointer), what (stable code) and why. */
export interface ErrorDetail {
  code: string;
  message: string;
  path?: string;
  resource?: string;
  key?: string;
  [extra: string]: unknown;
}

export type ApiErrorCode =
  | 'BAD_REQUEST'
  | 'INVALID_JSON'
  | 'MISSING_TENANT'
  | 'INVALID_CURSOR'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'FLAG_NOT_FOUND'
  | 'UNKNOWN_TENANT'
  | 'METHOD_NOT_ALLOWED'
  | 'ALREADY_EXISTS'
  | 'CONFLICT'
  | 'RESOURCE_ARCHIVED'
  | 'MANAGED_BY_GIT'
  | 'STALE_PLAN'
  | 'DELETES_NOT_ALLOWED'
  | 'DELETES_IN_USE'
  | 'PRECONDITION_FAILED'
  | 'PRECONDITION_REQUIRED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'SCHEMA_VALIDATION_FAILED'
  | 'SEMANTIC_VALIDATION_FAILED'
  | 'INVALID_STATE'
  | 'KEY_MISMATCH'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'SERVICE_UNAVAILABLE'
  | 'STORAGE_UNAVAILABLE'
  | 'HEADERS_TOO_LARGE'
  | 'REQUEST_TIMEOUT'
  | 'INTERNAL';

export const badRequest = (code: ApiErrorCode, message: string, details: ErrorDetail[] = []) =>
  new ApiError(400, code, message, details);

export const unauthenticated = (message = 'missing or invalid credentials') =>
  new ApiError(401, 'UNAUTHENTICATED', message, [], { 'WWW-Authenticate': 'Bearer' });

export const forbidden = (message: string) => new ApiError(403, 'FORBIDDEN', message);

/** Deliberately names neither the key nor the tenant: a 404 must reveal nothing. */
export const notFound = (resource: string) => new ApiError(404, 'NOT_FOUND', `${resource} not found`);

/**
 * The tenant the request names has no state on this server. Only answered once
 * the credentials proved they cover that tenant (after 401/400/403), so it
 * tells a caller nothing about tenants it may not see.
 */
export const unknownTenant = (tenant: string) => new ApiError(404, 'UNKNOWN_TENANT', `unknown tenant "${tenant}"`);

export const unprocessable = (code: ApiErrorCode, message: string, details: ErrorDetail[] = []) =>
  new ApiError(422, code, message, details);
