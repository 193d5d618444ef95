import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, type ErrorDetail } from '../errors.js';
import { renderOfrepError } from '../features/evaluate/ofrep-errors.js';

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
