import type { FastifyRequest } from 'fastify';
import type { ApiError } from '../../errors.js';
import type { ErrorFormat } from '../../auth/route-auth.js';

export type OfrepErrorCode = 'PARSE_ERROR' | 'TARGETING_KEY_MISSING' | 'INVALID_CONTEXT' | 'GENERAL' | 'FLAG_NOT_FOUND';

export interface RenderedError {
  status: number;
  body: unknown;
}

/**
 * OFREP defines its own error bodies for 400, 404 and 500
 * ({key, errorCode, errorDetails}; bulk without key). 401/403/413/415 keep our
 * envelope: the protocol gives them no body and providers only read the status.
 */
export function renderOfrepError(format: Exclude<ErrorFormat, 'api'>, err: ApiError, request: FastifyRequest): RenderedError | undefined {
  let status = err.statusCode;
  let errorCode: OfrepErrorCode;
  if (err.code === 'INVALID_JSON') errorCode = 'PARSE_ERROR';
  else if (err.code === 'SCHEMA_VALIDATION_FAILED') {
    errorCode = 'INVALID_CONTEXT';
    status = 400;
  } else if (err.code === 'FLAG_NOT_FOUND') errorCode = 'FLAG_NOT_FOUND';
  // An unknown environment (X-Environment): for the single-flag route the flag
  // is not found there, which is the only 404 OFREP defines; the bulk route has
  // no 404 of its own, so its body is the generic failure.
  else if (status === 404) errorCode = format === 'ofrep-single' ? 'FLAG_NOT_FOUND' : 'GENERAL';
  else if (status === 400) errorCode = 'GENERAL';
  // Our own 503 (the index is loading) says what to wait for; any other 5xx hides its cause.
  else if (status === 503 && err.code === 'SERVICE_UNAVAILABLE') return { status, body: { errorDetails: err.message } };
  else if (status >= 500) return { status, body: { errorDetails: 'internal error' } };
  else return undefined;
  const errorDetails = err.message;
  if (format === 'ofrep-bulk') return { status, body: { errorCode, errorDetails } };
  const key = (request.params as { key?: unknown } | undefined)?.key;
  return { status, body: { key: typeof key === 'string' ? key : '', errorCode, errorDetails } };
}
