import type { Scope } from './scopes.js';

/**
 * How a route authenticates, declared in its `config.auth` — the ONE place the
 * route → scope mapping lives (the route-table test enumerates it).
 *  - public: no credentials (health, metrics, docs).
 *  - jwt: a Bearer JWT with `scope`; tenant-scoped routes also need X-Tenant-ID
 *    covered by the token's `tenants` claim.
 *  - evaluation: an API key (bound to a tenant + environment), or a JWT with `scope`.
 */
export type RouteAuth =
  | { kind: 'public' }
  | { kind: 'jwt'; scope: Scope; tenant: true }
  | { kind: 'evaluation'; scope: Scope };

/** How errors on a route are rendered: our envelope, or OFREP's own shapes. */
export type ErrorFormat = 'api' | 'ofrep-single' | 'ofrep-bulk';

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
    errorFormat?: ErrorFormat;
  }
}

export const PUBLIC: RouteAuth = { kind: 'public' };
export const jwtRoute = (scope: Scope): RouteAuth => ({ kind: 'jwt', scope, tenant: true });
export const evaluationRoute: RouteAuth = { kind: 'evaluation', scope: 'evaluate' };
