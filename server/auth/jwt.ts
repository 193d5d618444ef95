import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import type { ServerConfig } from '../config.js';
import { unauthenticated } from '../errors.js';
import { createCiTokenVerifier } from './ci/verify-ci-token.js';
import type { UserPrincipal } from './principal.js';

export type JwtVerifier = (token: string) => Promise<UserPrincipal>;

const ASYMMETRIC = ['RS256', 'ES256'];

/** The unverified `iss` of a token: only used to pick the verifier that then checks everything. */
function issuerOf(token: string): unknown {
  try {
    return decodeJwt(token).iss;
  } catch {
    return undefined;
  }
}

/**
 * HS256 with the shared secret (algorithm pinned, `exp` and `sub` required);
 * optionally RS256/ES256 from a JWKS with issuer and audience enforced; and
 * CI OIDC tokens (FF_CI_ACCESS_FILE) whose claims map to tenants and scopes.
 * Every failure to verify is the same 401: the client learns nothing about why.
 */
export function createJwtVerifier(config: Pick<ServerConfig, 'jwtSecret' | 'jwks' | 'clockToleranceS' | 'ciAccess'>): JwtVerifier {
  const secret = new TextEncoder().encode(config.jwtSecret);
  const jwks = config.jwks ? createRemoteJWKSet(new URL(config.jwks.url)) : null;
  const common = { requiredClaims: ['exp', 'sub'], clockTolerance: config.clockToleranceS };
  const ci = config.ciAccess ? { issuer: config.ciAccess.issuer, verify: createCiTokenVerifier(config.ciAccess, config.clockToleranceS) } : null;

  return async (token) => {
    if (ci && issuerOf(token) === ci.issuer) return ci.verify(token);
    let payload: JWTPayload;
    try {
      const { alg } = decodeProtectedHeader(token);
      if (jwks && config.jwks && alg !== undefined && ASYMMETRIC.includes(alg)) {
        ({ payload } = await jwtVerify(token, jwks, {
          ...common,
          algorithms: ASYMMETRIC,
          issuer: config.jwks.issuer,
          audience: config.jwks.audience,
        }));
      } else {
        ({ payload } = await jwtVerify(token, secret, { ...common, algorithms: ['HS256'] }));
      }
    } catch {
      throw unauthenticated('invalid or expired token');
    }
    return toPrincipal(payload);
  };
}

function toPrincipal(payload: JWTPayload): UserPrincipal {
  const sub = payload.sub;
  if (typeof sub !== 'string' || sub === '') throw unauthenticated('invalid or expired token');
  const tenantsClaim = payload.tenants;
  const tenants = Array.isArray(tenantsClaim) ? tenantsClaim.filter((t): t is string => typeof t === 'string') : [];
  const scopeClaim = typeof payload.scope === 'string' ? payload.scope : '';
  return {
    kind: 'user',
    sub,
    tenants: tenants.includes('*') ? '*' : new Set(tenants),
    scopes: new Set(scopeClaim.split(' ').filter((s) => s !== '')),
  };
}
