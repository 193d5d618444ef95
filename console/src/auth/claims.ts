// What a token says about its holder, read (not verified: the server verifies
// every call) so the page shows only what the token may do. The claims are the
// ones the server reads: sub, tenants, scope (docs/auth.md).
import type { Scope } from '../../../core/model/scopes.js';

export interface Claims {
  sub: string;
  /** '*': every tenant. */
  tenants: '*' | string[];
  scopes: ReadonlySet<string>;
  /** Expiry, seconds since the epoch (absent: none stated). */
  exp?: number;
}

function base64UrlDecode(part: string): string {
  const base64 = part.replaceAll('-', '+').replaceAll('_', '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
  const binary = atob(base64);
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

/** The claims of a JWT, or null when it is not one (an API key, garbage). */
export function readClaims(token: string): Claims | null {
  const parts = token.trim().split('.');
  if (parts.length !== 3 || parts[1] === undefined) return null;
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(base64UrlDecode(parts[1])) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (payload === null || typeof payload !== 'object' || typeof payload.sub !== 'string') return null;
  const tenants = Array.isArray(payload.tenants) ? payload.tenants.filter((t): t is string => typeof t === 'string') : [];
  const scope = typeof payload.scope === 'string' ? payload.scope : '';
  return {
    sub: payload.sub,
    tenants: tenants.includes('*') ? '*' : tenants,
    scopes: new Set(scope.split(' ').filter((s) => s !== '')),
    ...(typeof payload.exp === 'number' ? { exp: payload.exp } : {}),
  };
}

export const can = (claims: Claims, scope: Scope): boolean => claims.scopes.has(scope);

export const expired = (claims: Claims, nowMs: number): boolean => claims.exp !== undefined && claims.exp * 1000 <= nowMs;
