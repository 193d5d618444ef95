import type { Scope } from './scopes.js';

/**
 * How a route authenticates, declared in its `config.auth` — the ONE place the
 * route → scope mapping lives (the route-table test enumerates it).
 *  - public: no credentials (health, metrics, docs).
 *  - jwt: a Bearer JWT carrying any one of `scopes` (a narrow scope first,
 *    then the broader ones that include it: `plan`, then `apply`); tenant-scoped
 *    routes also need X-Tenant-ID covered by the token's `tenants` claim.
 *  - evaluation: an API key (bound to a tenant + environment), or a JWT with one of `scopes`.
 */
export type RouteAuth =
  | { kind: 'public' }
  | { kind: 'jwt'; scopes: readonly Scope[]; tenant: true }
  | { kind: 'evaluation'; scopes: readonly Scope[] };

/** How errors on a route are rendered: our envelope, or OFREP's own shapes. */
export type ErrorFormat = 'api' | 'ofrep-single' | 'ofrep-bulk';

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
    errorFormat?: ErrorFormat;
  }
}

export const PUBLIC: RouteAuth = { kind: 'public' };
export const jwtRoute = (...scopes: [Scope, ...Scope[]]): RouteAuth => ({ kind: 'jwt', scopes, tenant: true });
export const evaluationRoute: RouteAuth = { kind: 'evaluation', scopes: ['evaluate'] };
