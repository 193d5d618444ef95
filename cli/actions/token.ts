import { SCOPES } from '../../core/model/scopes.js';
import { CliError } from '../errors.js';
import { parseDuration } from '../io/duration.js';
import { messages } from '../messages.js';

/** The scopes the server knows (docs/auth.md), from the one shared list. */
export const TOKEN_SCOPES = SCOPES;

/** The server refuses shorter HS256 secrets (docs/auth.md). */
export const MIN_SECRET_BYTES = 32;
/** "Short-lived": a development token, not a credential to keep. */
export const MAX_TTL_S = 30 * 86_400;

export interface TokenRequest {
  secret: string | undefined;
  subject: string;
  tenants: string[];
  scopes: string[];
  ttl: string;
  now?: Date;
}

/** An HS256 JWT with the claims the server reads: sub, tenants, scope (space-separated), iat, exp. */
export async function mintDevToken(request: TokenRequest): Promise<string> {
  const secret = request.secret ?? '';
  if (Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES) throw new CliError('MISSING_SECRET', messages.missingSecret);
  const ttl = parseDuration(request.ttl);
  if (ttl === undefined || ttl > MAX_TTL_S) throw new CliError('USAGE', messages.badTtl(request.ttl));
  const { SignJWT } = await import('jose');
  const now = Math.floor((request.now ?? new Date()).getTime() / 1000);
  return new SignJWT({ tenants: request.tenants, scope: request.scopes.join(' ') })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(request.subject)
    .setIssuedAt(now)
    .setExpirationTime(now + ttl)
    .sign(new TextEncoder().encode(secret));
}
