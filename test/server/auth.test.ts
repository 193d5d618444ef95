import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey, parseApiKey, secretMatches, verifierOf } from '../../server/auth/api-key-format.js';
import { mintToken } from '../../server/auth/dev-token.js';
import { createJwtVerifier } from '../../server/auth/jwt.js';
import { ApiError } from '../../server/errors.js';

const SECRET = 's'.repeat(40);

describe('API key format', () => {
  it('ffk_<12-char id>_<40-char secret>, parsed back, verified in constant time', () => {
    const k = generateApiKey();
    expect(k.plaintext).toMatch(/^ffk_[0-9A-Za-z]{12}_[0-9A-Za-z]{40}$/);
    const parsed = parseApiKey(k.plaintext);
    expect(parsed?.publicId).toBe(k.publicId);
    expect(secretMatches(parsed!, Buffer.from(k.verifierHex, 'hex'))).toBe(true);
    expect(secretMatches({ publicId: k.publicId, secret: 'x'.repeat(40) }, Buffer.from(k.verifierHex, 'hex'))).toBe(false);
    // The verifier is bound to the public id.
    expect(verifierOf('AAAAAAAAAAAA', parsed!.secret).toString('hex')).not.toBe(k.verifierHex);
    expect(k.verifierHex).not.toContain(parsed!.secret);
  });

  it('rejects anything not shaped like a key', () => {
    for (const bad of ['', 'ffk_', 'ffk_short_secret', `ffk_${'a'.repeat(12)}_${'b'.repeat(31)}`, `xxx_${'a'.repeat(12)}_${'b'.repeat(40)}`]) {
      expect(parseApiKey(bad)).toBeUndefined();
    }
  });

  it('ids and secrets do not repeat', () => {
    const ids = new Set(Array.from({ length: 200 }, () => generateApiKey().publicId));
    expect(ids.size).toBe(200);
  });
});

describe('JWT verification', () => {
  const verify = createJwtVerifier({ jwtSecret: SECRET, jwks: null, ciAccess: null, clockToleranceS: 30 });

  it('accepts a valid HS256 token and reads sub, tenants and scope', async () => {
    const p = await verify(await mintToken({ secret: SECRET, sub: 'ci', tenants: ['a', 'b'], scopes: ['flags:read', 'apply'] }));
    expect(p.sub).toBe('ci');
    expect(p.tenants).toEqual(new Set(['a', 'b']));
    expect([...p.scopes]).toEqual(['flags:read', 'apply']);
    const star = await verify(await mintToken({ secret: SECRET }));
    expect(star.tenants).toBe('*');
  });

  it('applies the clock tolerance to exp', async () => {
    const justExpired = await mintToken({ secret: SECRET, now: new Date(Date.now() - 70_000), ttlS: 60 }); // 10 s ago
    await expect(verify(justExpired)).resolves.toMatchObject({ sub: 'dev', tenants: '*' });
    const longExpired = await mintToken({ secret: SECRET, now: new Date(Date.now() - 120_000), ttlS: 60 }); // 60 s ago
    await expect(verify(longExpired)).rejects.toBeInstanceOf(ApiError);
  });

  it('requires sub', async () => {
    const noSub = await new SignJWT({ tenants: ['*'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));
    await expect(verify(noSub)).rejects.toMatchObject({ statusCode: 401 });
  });

  it('refuses HS384 even with the right secret (algorithm pinned)', async () => {
    const hs384 = await new SignJWT({ tenants: ['*'] })
      .setProtectedHeader({ alg: 'HS384' })
      .setSubject('x')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));
    await expect(verify(hs384)).rejects.toMatchObject({ statusCode: 401 });
  });

  describe('with a JWKS (ES256, issuer and audience)', () => {
    let server: Server;
    let url: string;
    let privateKey: CryptoKey;
    beforeAll(async () => {
      const pair = await generateKeyPair('ES256');
      privateKey = pair.privateKey as CryptoKey;
      const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
      server = createServer((_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ keys: [jwk] }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
    });
    afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

    const sign = (claims: { iss?: string; aud?: string }) => {
      let jwt = new SignJWT({ tenants: ['acme'], scope: 'apply' }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setSubject('repo:acme/flags').setExpirationTime('5m');
      if (claims.iss) jwt = jwt.setIssuer(claims.iss);
      if (claims.aud) jwt = jwt.setAudience(claims.aud);
      return jwt.sign(privateKey);
    };

    it('accepts the identity provider’s token; refuses a wrong issuer or audience', async () => {
      const v = createJwtVerifier({ jwtSecret: SECRET, jwks: { url, issuer: 'https://idp.test', audience: 'ff' }, ciAccess: null, clockToleranceS: 30 });
      const p = await v(await sign({ iss: 'https://idp.test', aud: 'ff' }));
      expect(p.sub).toBe('repo:acme/flags');
      await expect(v(await sign({ iss: 'https://evil.test', aud: 'ff' }))).rejects.toMatchObject({ statusCode: 401 });
      await expect(v(await sign({ iss: 'https://idp.test', aud: 'other' }))).rejects.toMatchObject({ statusCode: 401 });
      // HS256 with the shared secret keeps working beside it.
      await expect(v(await mintToken({ secret: SECRET }))).resolves.toMatchObject({ sub: 'dev', tenants: '*' });
    });

    it('without a JWKS configured, an ES256 token is refused', async () => {
      await expect(verify(await sign({ iss: 'https://idp.test', aud: 'ff' }))).rejects.toMatchObject({ statusCode: 401 });
    });
  });
});
