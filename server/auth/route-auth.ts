import type { Scope } from './scopes.js';

/**
 * How a route authenticates, declared in its `config.auth` — the ONE place the
 * route → scope mapping lives (the route-table test enumerates it).
 *  - public: no credentials (health, metrics, docs).
 *  - jwt: a Bearer JWT carrying any one of `scopes` (a narrow scope first,
 *    then the broader ones that include it: `plan`, then `apply`); tenant-scoped
 *    routes also need X-Tenant-ID covered by the token's `tenants` claim.
 *  - evaluation: an API key (bound to a tenant + environment), or a JWT with one of `scopes`.
 * `existingTenant`: the route only makes sense for a tenant that has state
 * (reads, evaluation), so a tenant that has none is refused as
 * `404 UNKNOWN_TENANT` instead of answering an empty list or "environment not
 * found". Writes, plans and `GET /v1/state` go without it: they are how a new
 * tenant is created.
 */
export type RouteAuth =
  | { kind: 'public' }
  | { kind: 'jwt'; scopes: readonly Scope[]; tenant: true; existingTenant?: true }
  | { kind: 'evaluation'; scopes: readonly Scope[]; existingTenant?: true };

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
export const evaluationRoute: RouteAuth = { kind: 'evaluation', scopes: ['evaluate'], existingTenant: true };
/** A JWT route on a tenant that must already exist (see `existingTenant`). */
export const jwtReadRoute = (...scopes: [Scope, ...Scope[]]): RouteAuth => ({ kind: 'jwt', scopes, tenant: true, existingTenant: true });
