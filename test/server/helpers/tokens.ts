import { SignJWT } from 'jose';
import { mintToken } from '../../../server/auth/dev-token.js';
import { SCOPES, type Scope } from '../../../server/auth/scopes.js';
import { TEST_SECRET } from './server.js';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** Tokens that must all be refused with 401. */
export async function badTokens(tenant: string): Promise<Record<string, string>> {
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: 'mallory', tenants: [tenant], scope: SCOPES.join(' ') };
  return {
    expired: await mintToken({ secret: TEST_SECRET, sub: 'mallory', tenants: [tenant], now: new Date(Date.now() - 3_600_000), ttlS: 60 }),
    algNone: `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, exp: now + 3600 })}.`,
    wrongSignature: await mintToken({ secret: 'another-secret-that-is-at-least-32-bytes!!', sub: 'mallory', tenants: [tenant] }),
    missingExp: await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(now).sign(new TextEncoder().encode(TEST_SECRET)),
    garbage: 'not-a-jwt',
  };
}

/** A token with every scope except `without` (one scope or several). */
export const tokenWithout = (without: Scope | readonly Scope[], tenant: string) =>
  mintToken({ secret: TEST_SECRET, sub: 'limited', tenants: [tenant], scopes: SCOPES.filter((s) => !([without].flat() as Scope[]).includes(s)) });
