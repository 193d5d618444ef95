import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: send no Content-Security-Policy of ours (the route sets its own, e.g. Swagger UI). */
    contentSecurityPolicy?: false;
  }
}

/**
 * helmet's response headers, computed once. @fastify/helmet calls helmet()
 * — building every middleware and re-parsing the CSP — on each request, which
 * cost about a fifth of an evaluation's server CPU in `make bench`; the
 * headers never change, so they are worked out here at start-up by running
 * helmet's own middleware against a recording response.
 */
export function helmetHeaders(options: Readonly<HelmetOptions> = {}): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader: (name: string, value: unknown) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: () => {},
  };
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, () => {});
  return Object.freeze(headers);
}

/**
 * Security headers on every response, 401/403/404 included: set by the
 * request hooks' one onRequest hook (request-hooks.ts), not a hook of their own.
 */
export function securityHeaders(): (request: FastifyRequest, reply: FastifyReply) => void {
  const strict = helmetHeaders();
  const withoutCsp = helmetHeaders({ contentSecurityPolicy: false });
  return (request, reply) => void reply.headers(request.routeConfig.contentSecurityPolicy === false ? withoutCsp : strict);
}
