import type { FastifyContextConfig, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DestinationStream, Logger } from 'pino';
import { logTimestamp } from './logger.js';
import type { Metrics } from './metrics.js';
import { requestLine } from './request-line.js';
import type { RequestSeries } from './request-metrics.js';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The matched route's config (with fastify's `url`, the route template;
     * none for a 404), read once per request by the first hook:
     * `request.routeOptions` builds a fresh object on every access.
     */
    routeConfig: FastifyContextConfig & { url?: string };
  }
}

export interface RequestHookDeps {
  metrics: Metrics;
  /** Whose level decides whether the line is written. */
  logger: Logger;
  /** Where the logger writes: the request line goes to the same stream, in order with pino's lines. */
  destination: DestinationStream;
  /** Response headers every answer carries (security-headers.ts), set by the same first hook. */
  setHeaders: (request: FastifyRequest, reply: FastifyReply) => void;
  /** `,"timestamp":"…"`, as the logger's timestamp option returns it (default: the process's log clock). */
  timestamp?: () => string;
}

/**
 * One log line and one metrics sample per request, on response. The route
 * label is the template (/v1/flags/:key), never the raw URL, to bound
 * cardinality; unmatched requests are labelled "not_found".
 *
 * The hot path is kept cheap: one onRequest and one onResponse hook (each
 * hook is a step of fastify's hook runner); the series of each (route,
 * method, status) is resolved once and counts in plain numbers
 * (request-metrics.ts); the line is one string built by request-line.ts and
 * handed to the logger's stream, so neither pino's serializer nor a
 * per-request pino child runs (request.log is lazy: logger.ts).
 */
export function installRequestHooks(app: FastifyInstance, deps: RequestHookDeps): void {
  const { metrics, logger, destination, setHeaders } = deps;
  const timestamp = deps.timestamp ?? logTimestamp;
  app.decorateRequest('routeConfig', null as unknown as FastifyContextConfig);
  // route → method → status → series: found without building a key per request.
  const series = new Map<string, Map<string, Map<number, RequestSeries>>>();
  const seriesOf = (route: string, method: string, status: number): RequestSeries => {
    let byMethod = series.get(route);
    if (byMethod === undefined) series.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (byStatus === undefined) byMethod.set(method, (byStatus = new Map()));
    let s = byStatus.get(status);
    if (s === undefined) byStatus.set(status, (s = metrics.requests.series(route, method, String(status))));
    return s;
  };

  app.addHook('onRequest', (request, reply, done) => {
    request.routeConfig = request.routeOptions.config;
    void reply.header('x-request-id', request.id);
    setHeaders(request, reply);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeConfig?.url ?? 'not_found';
    const status = reply.statusCode;
    const ms = reply.elapsedTime;
    seriesOf(route, request.method, status).observe(ms / 1000);
    const level = status >= 500 ? 'error' : 'info';
    if (logger.isLevelEnabled(level)) {
      const url = request.url;
      const query = url.indexOf('?');
      destination.write(
        requestLine(
          level,
          timestamp(),
          request.id,
          request.method,
          query === -1 ? url : url.slice(0, query),
          route,
          status,
          // Authenticated tenant; for a rejected request, the one it asked for
          // (a string header only), so a 401/403 line still says whose it was.
          request.tenant ?? claimedTenant(request.headers['x-tenant-id']),
          Math.round(ms * 1000) / 1000,
        ),
      );
    }
    done();
  });
}

function claimedTenant(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' && header.length <= 64 ? header : undefined;
}
