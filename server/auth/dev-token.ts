import { SignJWT } from 'jose';
import { SCOPES } from './scopes.js';

export interface TokenRequest {
  secret: string;
  sub?: string;
  tenants?: string[];
  scopes?: readonly string[];
  /** Lifetime in seconds. */
  ttlS?: number;
  now?: Date;
}

/** An HS256 token for development and tests: all scopes and tenants unless told otherwise. */
export async function mintToken(req: TokenRequest): Promise<string> {
  const now = Math.floor((req.now ?? new Date()).getTime() / 1000);
  return new SignJWT({ tenants: req.tenants ?? ['*'], scope: (req.scopes ?? SCOPES).join(' ') })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(req.sub ?? 'dev')
    .setIssuedAt(now)
    .setExpirationTime(now + (req.ttlS ?? 12 * 3600))
    .sign(new TextEncoder().encode(req.secret));
}
