import type { FastifyInstance, RouteOptions } from 'fastify';
import { PUBLIC } from '../auth/route-auth.js';
import { tenantHeaders } from './schemas.js';

/** Routes registered by @fastify/swagger-ui carry no config of ours: they are public documentation. */
const DOCS_PREFIX = '/docs';

/**
 * Runs for every route as it is registered: refuses a route that does not
 * declare `config.auth` (so none can be added unprotected by accident), and
 * derives the OpenAPI security requirement and tenant header from it.
 */
export function installRouteDocs(app: FastifyInstance): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const url = route.url;
    if (route.config?.auth === undefined) {
      if (url === DOCS_PREFIX || url.startsWith(`${DOCS_PREFIX}/`)) {
        // Swagger UI sets its own static CSP (staticCSP: true); helmet's strict one would block it.
        route.config = { ...(route.config ?? {}), auth: PUBLIC, contentSecurityPolicy: false };
        return;
      }
      throw new Error(`route ${String(route.method)} ${url} declares no config.auth`);
    }
    const auth = route.config.auth;
    const schema = (route.schema ??= {}) as Record<string, unknown>;
    if (schema.hide === true) return;
    if (auth.kind === 'public') schema.security = [];
    else if (auth.kind === 'jwt') {
      schema.security = [{ bearerAuth: [] }];
      schema.headers ??= tenantHeaders;
    } else {
      schema.security = [{ apiKeyAuth: [] }, { bearerAuth: [] }];
    }
  });
}
