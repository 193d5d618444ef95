import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { ApiError, badRequest, forbidden, unauthenticated, unknownTenant } from '../errors.js';
import { parseApiKey, secretMatches } from './api-key-format.js';
import { readCredential } from './credentials.js';
import type { JwtVerifier } from './jwt.js';
import type { ApiKeyIndex } from './key-index.js';
import { coversTenant, type ApiKeyPrincipal, type Principal, type UserPrincipal } from './principal.js';
import type { RouteAuth } from './route-auth.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth hook on every non-public route. */
    principal: Principal | null;
    /** The tenant the request acts on (X-Tenant-ID, or the API key's tenant). */
    tenant: string | null;
  }
}

export const TENANT_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export interface AuthDeps {
  verifyJwt: JwtVerifier;
  keys: ApiKeyIndex;
  /** false only when the tenant is known to have no state (the in-memory index, once loaded). */
  tenantExists: (tenant: string) => boolean;
}

/**
 * One onRequest hook enforces every route's `config.auth` before the body is
 * even parsed: 401 (no/invalid credential) → 400 (X-Tenant-ID missing) → 403
 * (scope, tenant) → 404 (UNKNOWN_TENANT, on `existingTenant` routes). Synchronous
 * for API keys (the evaluation hot path; a key's tenant exists).
 */
export function registerAuthentication(app: FastifyInstance, deps: AuthDeps): void {
  app.decorateRequest('principal', null);
  app.decorateRequest('tenant', null);
  app.addHook('onRequest', (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
    const auth = request.routeConfig.auth;
    if (auth === undefined || auth.kind === 'public') return done();
    const credential = readCredential(request);
    if (!credential) return done(unauthenticated('missing credentials: send Authorization: Bearer <token>'));
    if (credential.type === 'api_key') {
      try {
        authorizeApiKey(request, auth, authenticateApiKey(deps.keys, credential.key));
        return done();
      } catch (err) {
        return done(err as Error);
      }
    }
    deps.verifyJwt(credential.token).then(
      (user) => {
        try {
          authorizeUser(request, auth, user);
          if (auth.existingTenant === true && !deps.tenantExists(request.tenant!)) return done(unknownTenant(request.tenant!));
          done();
        } catch (err) {
          done(err as Error);
        }
      },
      (err: Error) => done(err),
    );
  });
}

function authenticateApiKey(keys: ApiKeyIndex, presented: string): ApiKeyPrincipal {
  const known = keys.verifiedPrincipal(presented);
  if (known !== undefined) return known;
  const parsed = parseApiKey(presented);
  const indexed = parsed ? keys.lookup(parsed.publicId) : undefined;
  // One message for unknown, revoked and wrong-secret keys.
  if (!parsed || !indexed || indexed.revoked || !secretMatches(parsed, indexed.verifier)) {
    throw unauthenticated('invalid API key');
  }
  const principal: ApiKeyPrincipal = Object.freeze({
    kind: 'api_key',
    keyId: indexed.publicId,
    tenant: indexed.tenant,
    environment: indexed.environment,
  });
  keys.rememberVerified(presented, principal);
  return principal;
}

function authorizeApiKey(request: FastifyRequest, auth: RouteAuth, key: ApiKeyPrincipal): void {
  if (auth.kind !== 'evaluation') throw forbidden('API keys may only call evaluation routes');
  const header = tenantHeader(request);
  if (header !== undefined && header !== key.tenant) throw forbidden('the credentials do not cover this tenant');
  request.principal = key;
  request.tenant = key.tenant;
}

function authorizeUser(request: FastifyRequest, auth: RouteAuth, user: UserPrincipal): void {
  const tenant = tenantHeader(request);
  if (tenant === undefined) throw badRequest('MISSING_TENANT', 'the X-Tenant-ID header is required');
  if (!TENANT_PATTERN.test(tenant)) throw badRequest('BAD_REQUEST', 'X-Tenant-ID is not a valid tenant key');
  if (auth.kind !== 'public' && !auth.scopes.some((scope) => user.scopes.has(scope))) {
    const [scope] = auth.scopes;
    const wanted = auth.scopes.length === 1 ? `the scope ${scope}` : `one of the scopes ${auth.scopes.join(', ')}`;
    throw new ApiError(403, 'FORBIDDEN', `the token lacks ${wanted}`, [
      { code: 'MISSING_SCOPE', message: 'required scope', scope, accepted: auth.scopes },
    ]);
  }
  if (!coversTenant(user, tenant)) throw forbidden('the credentials do not cover this tenant');
  request.principal = user;
  request.tenant = tenant;
}

function tenantHeader(request: FastifyRequest): string | undefined {
  const value = request.headers['x-tenant-id'];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
