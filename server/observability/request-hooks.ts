import type { FastifyContextConfig, FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Metrics } from './metrics.js';
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

/**
 * One log line and one metrics sample per request, on response. The route
 * label is the template (/v1/flags/:key), never the raw URL, to bound
 * cardinality; unmatched requests are labelled "not_found".
 *
 * The hot path is kept cheap: the series of each (route, method, status) is
 * resolved once and counts in plain numbers (request-metrics.ts), and
 * the line is written by the root logger with request_id as a field, so no
 * per-request pino child is built (request.log is lazy: logger.ts).
 */
export function installRequestHooks(app: FastifyInstance, metrics: Metrics, logger: Logger): void {
  app.decorateRequest('routeConfig', null as unknown as FastifyContextConfig);
  // One series per (route, method, status), looked up by one string key.
  const series = new Map<string, RequestSeries>();
  const seriesOf = (route: string, method: string, status: number): RequestSeries => {
    const id = `${route} ${method} ${status}`;
    let s = series.get(id);
    if (s === undefined) {
      s = metrics.requests.series(route, method, String(status));
      series.set(id, s);
    }
    return s;
  };

  app.addHook('onRequest', (request, reply, done) => {
    request.routeConfig = request.routeOptions.config;
    void reply.header('x-request-id', request.id);
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
      logger[level](
        {
          request_id: request.id,
          method: request.method,
          path: query === -1 ? url : url.slice(0, query),
          route,
          status,
          // Authenticated tenant; for a rejected request, the one it asked for
          // (a string header only), so a 401/403 line still says whose it was.
          tenant: request.tenant ?? claimedTenant(request.headers['x-tenant-id']),
          duration_ms: Math.round(ms * 1000) / 1000,
        },
        'request completed',
      );
    }
    done();
  });
}

function claimedTenant(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' && header.length <= 64 ? header : undefined;
}
