import { jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { MAX_TTL_S, mintDevToken, TOKEN_SCOPES } from '../../cli/actions/token.js';
import { CliError } from '../../cli/errors.js';
import { parseDuration } from '../../cli/io/duration.js';
import { SCOPES } from '../../server/auth/scopes.js';

const SECRET = 'a-secret-that-is-at-least-32-bytes-long!';

describe('ff token', () => {
  it('knows exactly the scopes the server knows', () => {
    expect([...TOKEN_SCOPES].sort()).toEqual([...SCOPES].sort());
  });

  it('mints an HS256 token with sub, tenants, scope, iat and exp', async () => {
    const now = new Date('2026-11-21T10:00:00Z');
    const token = await mintDevToken({ secret: SECRET, subject: 'ci', tenants: ['acme', 'globex'], scopes: ['apply', 'flags:read'], ttl: '15m', now });
    const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(SECRET), { algorithms: ['HS256'], currentDate: now });
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload).toEqual({ sub: 'ci', tenants: ['acme', 'globex'], scope: 'apply flags:read', iat: now.getTime() / 1000, exp: now.getTime() / 1000 + 900 });
  });

  it('refuses a missing or short secret and a lifetime out of range', async () => {
    const codeOf = (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (e instanceof CliError ? e.code : 'other'));
    const base = { subject: 'x', tenants: ['*'], scopes: ['evaluate'], ttl: '1h' };
    expect(await codeOf(mintDevToken({ ...base, secret: undefined }))).toBe('MISSING_SECRET');
    expect(await codeOf(mintDevToken({ ...base, secret: 'short' }))).toBe('MISSING_SECRET');
    expect(await codeOf(mintDevToken({ ...base, secret: SECRET, ttl: '31d' }))).toBe('USAGE');
    expect(await codeOf(mintDevToken({ ...base, secret: SECRET, ttl: '1 hour' }))).toBe('USAGE');
    expect(await codeOf(mintDevToken({ ...base, secret: SECRET, ttl: '30d' }))).toBe('ok');
  });

  it('reads durations in s, m, h and d', () => {
    expect(parseDuration('90s')).toBe(90);
    expect(parseDuration('15m')).toBe(900);
    expect(parseDuration('1h')).toBe(3600);
    expect(parseDuration('7d')).toBe(7 * 86_400);
    expect(parseDuration('30d')).toBe(MAX_TTL_S);
    for (const bad of ['0s', '1', 'h', '1w', '-1h', '1.5h', '']) expect(parseDuration(bad), bad).toBeUndefined();
  });
});
