import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { forbidden, unauthenticated } from '../../errors.js';
import type { UserPrincipal } from '../principal.js';
import type { CiAccess } from './access-file.js';
import { grantsFor } from './grants.js';

export type CiTokenVerifier = (token: string) => Promise<UserPrincipal>;

/**
 * Verifies a CI OIDC token (GitHub Actions: RS256 from the issuer's JWKS,
 * issuer and audience pinned, exp required, short-lived by design) and turns
 * its claims into a principal through the access file's grants. The audit
 * actor names the repository and ref (the token's `sub`) — never a person
 * GitHub says triggered the run, which a pull request's author controls.
 */
export function createCiTokenVerifier(access: CiAccess, clockToleranceS: number): CiTokenVerifier {
  const jwks = createRemoteJWKSet(new URL(access.jwksUrl));
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        algorithms: ['RS256'],
        issuer: access.issuer,
        audience: access.audience,
        requiredClaims: ['exp', 'sub', 'repository'],
        clockTolerance: clockToleranceS,
      }));
    } catch {
      throw unauthenticated('invalid or expired token');
    }
    const granted = grantsFor(access.grants, payload);
    if (granted.scopes.size === 0) {
      throw forbidden(`no grant of the CI access file covers this job (repository ${String(payload.repository)}, ref ${String(payload.ref ?? '-')}, event ${String(payload.event_name ?? '-')})`);
    }
    return { kind: 'user', sub: `ci:${String(payload.sub)}`, tenants: granted.tenants, scopes: granted.scopes };
  };
}
