// A small OpenID Connect provider for the console's sign-in test: discovery,
// an authorization endpoint that signs in one user at once, a token endpoint
// that checks the PKCE verifier (S256) and issues RS256 access tokens signed
// with jose, and the JWKS the ff server verifies them with.
import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

export interface OidcProvider {
  issuer: string;
  /** Token requests answered, and refused (wrong verifier, code, client or redirect). */
  issued: number;
  refused: number;
  close(): Promise<void>;
}

export interface ProviderOptions {
  clientId: string;
  audience: string;
  /** The claims ff reads, for the one user this provider signs in. */
  user: { sub: string; tenants: string[]; scope: string };
}

const CORS = { 'access-control-allow-origin': '*' };

export async function startOidcProvider(o: ProviderOptions): Promise<OidcProvider> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const codes = new Map<string, { challenge: string; redirectUri: string }>();
  const provider: OidcProvider = { issuer: '', issued: 0, refused: 0, close: async () => {} };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', provider.issuer);
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json', ...CORS }).end(JSON.stringify(body));
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(200, {
        issuer: provider.issuer,
        authorization_endpoint: `${provider.issuer}/authorize`,
        token_endpoint: `${provider.issuer}/token`,
        jwks_uri: `${provider.issuer}/jwks`,
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
      });
    }
    if (url.pathname === '/jwks') return json(200, { keys: [jwk] });
    if (url.pathname === '/authorize') {
      const p = url.searchParams;
      const redirectUri = p.get('redirect_uri') ?? '';
      if (p.get('client_id') !== o.clientId || p.get('response_type') !== 'code' || p.get('code_challenge_method') !== 'S256' || !p.get('code_challenge')) {
        return json(400, { error: 'invalid_request' });
      }
      const code = randomUUID();
      codes.set(code, { challenge: p.get('code_challenge')!, redirectUri });
      const back = new URL(redirectUri);
      back.searchParams.set('code', code);
      back.searchParams.set('state', p.get('state') ?? '');
      return res.writeHead(302, { location: back.toString() }).end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        const pending = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        const challenge = createHash('sha256').update(verifier).digest('base64url');
        if (pending === undefined || form.get('grant_type') !== 'authorization_code' || form.get('client_id') !== o.clientId || form.get('redirect_uri') !== pending.redirectUri || challenge !== pending.challenge) {
          provider.refused++;
          return json(400, { error: 'invalid_grant' });
        }
        provider.issued++;
        void new SignJWT({ tenants: o.user.tenants, scope: o.user.scope })
          .setProtectedHeader({ alg: 'RS256', kid: jwk.kid })
          .setIssuer(provider.issuer)
          .setAudience(o.audience)
          .setSubject(o.user.sub)
          .setIssuedAt()
          .setExpirationTime('10m')
          .sign(privateKey)
          .then((token) => json(200, { access_token: token, token_type: 'Bearer', expires_in: 600 }));
      });
      return;
    }
    json(404, { error: 'not_found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  provider.issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  provider.close = () => new Promise((resolve) => server.close(() => resolve()));
  return provider;
}
