// Reading a token's claims (the server verifies them on every call) and the PKCE pieces of the OIDC sign-in.
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { can, expired, readClaims } from '../src/auth/claims.js';
import { authorizeUrl, base64Url, challengeOf, randomVerifier } from '../src/auth/pkce.js';

const secret = new TextEncoder().encode('x'.repeat(32));
const token = (claims: Record<string, unknown>) => new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setExpirationTime(2_000_000_000).sign(secret);

describe('claims', () => {
  it('reads sub, tenants, scopes and exp as the server does', async () => {
    const claims = readClaims(await token({ tenants: ['acme', 7], scope: 'flags:read  evaluate', name: 'Ålice' }))!;
    expect(claims).toEqual({ sub: 'alice', tenants: ['acme'], scopes: new Set(['flags:read', 'evaluate']), exp: 2_000_000_000 });
    expect(can(claims, 'flags:read')).toBe(true);
    expect(can(claims, 'flags:write')).toBe(false);
    expect(expired(claims, 2_000_000_000_000)).toBe(true);
    expect(expired(claims, 1_000)).toBe(false);
    expect(readClaims(await token({ tenants: ['a', '*'] }))?.tenants).toBe('*');
    expect(readClaims(await token({}))?.scopes.size).toBe(0);
  });

  it('is null for what is not a JWT with a subject', () => {
    expect(readClaims('ffk_abc_def')).toBeNull();
    expect(readClaims('a.b.c')).toBeNull();
    expect(readClaims(`x.${Buffer.from('{"tenants":[]}').toString('base64url')}.y`)).toBeNull();
  });
});

describe('PKCE', () => {
  it('computes the S256 challenge of RFC 7636 appendix B', async () => {
    expect(await challengeOf('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes 43-character verifiers and the authorization URL', () => {
    expect(randomVerifier((b) => b.fill(255))).toBe(base64Url(new Uint8Array(32).fill(255)));
    expect(randomVerifier()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const url = new URL(authorizeUrl({ authorizationEndpoint: 'https://id.test/auth?x=1', clientId: 'ff-console', redirectUri: 'http://localhost/ui/', scope: 'openid', state: 's', challenge: 'c' }));
    expect(Object.fromEntries(url.searchParams)).toEqual({
      x: '1',
      response_type: 'code',
      client_id: 'ff-console',
      redirect_uri: 'http://localhost/ui/',
      scope: 'openid',
      state: 's',
      code_challenge: 'c',
      code_challenge_method: 'S256',
    });
  });
});
