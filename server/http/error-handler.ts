import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, type ErrorDetail } from '../errors.js';
import { renderOfrepError } from '../features/evaluate/ofrep-errors.js';
import { isTransient } from '../db/postgres/open.js';
import { helmetHeaders } from './security-headers.js';

/** Seconds a client should wait before retrying a 503 (full disk, shutting down). */
export const RETRY_AFTER_S = 30;

/**
 * SQLite's codes for a storage that cannot take the write: the disk (or the
 * page quota) is full, or the file became read-only. The request was fine and
 * nothing was written (the transaction rolled back), so it is a 503 that says
 * when to retry, not a 500.
 */
const STORAGE_FULL = new Set(['SQLITE_FULL', 'SQLITE_READONLY', 'SQLITE_IOERR_WRITE']);

/** Seconds a client should wait before retrying while the database is unreachable (replicas reconnect with backoff). */
export const DATABASE_RETRY_AFTER_S = 5;

/** Fastify's own error codes mapped to ours (status stays fastify's). */
const FASTIFY_CODES: Record<string, ApiError['code']> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
};

/** Turns anything thrown into an ApiError; the one place errors become HTTP. */
export function toApiError(err: FastifyError | Error): ApiError {
  if (err instanceof ApiError) return err;
  const fe = err as FastifyError;
  if (fe.validation) {
    const context = fe.validationContext ?? 'body';
    const details: ErrorDetail[] = fe.validation.map((v) => ({
      code: `schema.${v.keyword}`,
      message: v.message ?? 'invalid',
      path: v.instancePath === '' ? '' : v.instancePath,
      ...(v.keyword === 'additionalProperties' ? { property: (v.params as { additionalProperty?: string }).additionalProperty } : {}),
    }));
    // A well-formed body that breaks the schema is unprocessable (422); a bad
    // query string, path parameter or header is a malformed request (400).
    return context === 'body'
      ? new ApiError(422, 'SCHEMA_VALIDATION_FAILED', 'the request body does not match the schema', details)
      : new ApiError(400, 'BAD_REQUEST', `invalid ${context}`, details);
  }
  if (fe.code !== undefined && FASTIFY_CODES[fe.code] !== undefined) {
    return new ApiError(fe.statusCode ?? 400, FASTIFY_CODES[fe.code] as ApiError['code'], fe.message);
  }
  if (typeof fe.code === 'string' && STORAGE_FULL.has(fe.code)) {
    return new ApiError(503, 'STORAGE_UNAVAILABLE', 'the database cannot take writes now (storage full or read-only); nothing was written', [], {
      'Retry-After': String(RETRY_AFTER_S),
    });
  }
  // PostgreSQL unreachable, restarting, or our connection killed mid-statement:
  // the transaction did not commit, so nothing was written; retry later.
  if (fe.statusCode === undefined && isTransient(err)) {
    return new ApiError(503, 'STORAGE_UNAVAILABLE', 'the database is unreachable; nothing was written: retry later', [], {
      'Retry-After': String(DATABASE_RETRY_AFTER_S),
    });
  }
  if (err instanceof SyntaxError && fe.statusCode === 400) return new ApiError(400, 'INVALID_JSON', 'the body is not valid JSON');
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new ApiError(fe.statusCode, fe.statusCode === 404 ? 'NOT_FOUND' : 'BAD_REQUEST', fe.message);
  }
  return new ApiError(500, 'INTERNAL', 'internal error');
}

function sendApiError(apiError: ApiError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  for (const [name, value] of Object.entries(apiError.headers)) void reply.header(name, value);
  const format = request.routeOptions?.config?.errorFormat ?? 'api';
  const ofrep = format === 'api' ? undefined : renderOfrepError(format, apiError, request);
  if (ofrep) return reply.code(ofrep.status).send(ofrep.body);
  // 5xx messages are hidden: the log has the cause, the client a request id.
  return reply.code(apiError.statusCode).send({
    error: { code: apiError.code, message: apiError.message, details: apiError.details },
  });
}

/**
 * Errors fastify raises before routing (a malformed URL encoding, a path
 * parameter over maxParamLength) bypass setErrorHandler: the Fastify
 * constructor's `frameworkErrors` option sends them through the same mapping.
 */
export function frameworkErrorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  void sendApiError(toApiError(err), request, reply);
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    const apiError = toApiError(err);
    if (apiError.statusCode >= 500) {
      request.log.error({ err }, 'request failed');
    } else if (!(err instanceof ApiError)) {
      request.log.debug({ err: { message: err.message, code: (err as FastifyError).code } }, 'request rejected');
    }
    return sendApiError(apiError, request, reply);
  });
  app.setNotFoundHandler((request, reply) => {
    return reply.code(404).send({ error: { code: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}`, details: [] } });
  });
}

/** The one error body, for the places that write to the socket themselves. */
const errorBody = (code: ApiError['code'], message: string) => JSON.stringify({ error: { code, message, details: [] } });

const CLIENT_ERRORS: Record<string, { status: number; code: ApiError['code']; message: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, code: 'HEADERS_TOO_LARGE', message: 'the request headers are too large' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: 'REQUEST_TIMEOUT', message: 'the request was not received in time' },
};

/**
 * Errors Node's HTTP parser raises before there is a request at all (headers
 * too large, a malformed request line, bad chunked encoding, a duplicate
 * Content-Length): Fastify's default answer is its own body without our
 * headers. This writes the one error shape with a request id and the
 * security headers, then closes the connection (the stream cannot be trusted).
 */
export function createClientErrorHandler(log: { debug: (obj: object, msg: string) => void }) {
  const security = Object.entries(helmetHeaders());
  return function clientErrorHandler(err: Error & { code?: string }, socket: Duplex): void {
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const known = err.code === undefined ? undefined : CLIENT_ERRORS[err.code];
    const status = known?.status ?? 400;
    const body = errorBody(known?.code ?? 'BAD_REQUEST', known?.message ?? 'the request is not valid HTTP');
    const requestId = randomUUID();
    log.debug({ request_id: requestId, err: { code: err.code, message: err.message } }, 'client error');
    // A response already under way on this connection cannot be followed by ours.
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (socket.writable && inFlight?.headersSent !== true) {
      const head = [
        `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
        'content-type: application/json; charset=utf-8',
        `content-length: ${Buffer.byteLength(body)}`,
        'connection: close',
        `x-request-id: ${requestId}`,
        ...security.map(([name, value]) => `${name}: ${value}`),
      ];
      socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
    }
    socket.destroy();
  };
}

/**
 * While the server closes, Fastify's own 503 (return503OnClosing) bypasses
 * every hook: no request id, no security headers, not our body. Instead the
 * app turns that option off and this hook — after the request-id and security
 * header hooks — answers 503 in the one shape, with Retry-After and
 * Connection: close, to requests that still arrive on open connections.
 */
export function installClosingGuard(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', (_request, _reply, done) => {
    if (!closing) return done();
    done(new ApiError(503, 'SERVICE_UNAVAILABLE', 'the server is shutting down', [], { 'Retry-After': '1', Connection: 'close' }));
  });
}
