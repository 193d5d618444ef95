import type { FastifyInstance } from 'fastify';
import type { Metrics } from './metrics.js';

/**
 * One log line and one metrics sample per request, on response. The route
 * label is the template (/v1/flags/:key), never the raw URL, to bound
 * cardinality; unmatched requests are labelled "not_found".
 */
export function installRequestHooks(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'not_found';
    const status = String(reply.statusCode);
    const labels = { route, method: request.method, status };
    const seconds = reply.elapsedTime / 1000;
    metrics.httpRequests.inc(labels);
    metrics.httpDuration.observe(labels, seconds);
    const level = reply.statusCode >= 500 ? 'error' : 'info';
    request.log[level](
      {
        method: request.method,
        path: request.url.split('?')[0],
        route,
        status: reply.statusCode,
        // Authenticated tenant; for a rejected request, the one it asked for
        // (a string header only), so a 401/403 line still says whose it was.
        tenant: request.tenant ?? claimedTenant(request.headers['x-tenant-id']),
        duration_ms: Math.round(reply.elapsedTime * 1000) / 1000,
      },
      'request completed',
    );
    done();
  });
}

function claimedTenant(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' && header.length <= 64 ? header : undefined;
}
