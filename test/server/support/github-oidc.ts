// A stand-in for GitHub Actions' OIDC issuer on 127.0.0.1: an RSA key, its
// JWKS over HTTP, and tokens with the claims GitHub puts in them. Only the
// issuer's key location differs from github.com; the `iss` claim is GitHub's.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

export interface GithubClaims {
  repository: string;
  ref: string;
  event_name: string;
  environment?: string;
  job_workflow_ref?: string;
  run_id?: string;
  actor?: string;
  sub?: string;
}

export interface FakeGithubOidc {
  jwksUrl: string;
  /** A token as `core.getIDToken(audience)` returns it in a job with these claims. */
  token(claims: GithubClaims, options?: { audience?: string; issuer?: string; expiresIn?: string; key?: 'own' | 'stranger' }): Promise<string>;
  close(): Promise<void>;
}

/** The `sub` GitHub builds: the environment when the job has one, else the pull request or the ref. */
export function githubSub(c: GithubClaims): string {
  if (c.environment) return `repo:${c.repository}:environment:${c.environment}`;
  if (c.event_name === 'pull_request') return `repo:${c.repository}:pull_request`;
  return `repo:${c.repository}:ref:${c.ref}`;
}

export async function startFakeGithubOidc(audience: string): Promise<FakeGithubOidc> {
  const own = await generateKeyPair('RS256');
  const stranger = await generateKeyPair('RS256');
  const jwk: JWK = { ...(await exportJWK(own.publicKey)), kid: 'gh-1', alg: 'RS256', use: 'sig' };
  const server: Server = createServer((req, res) => {
    if (req.url !== '/.well-known/jwks') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    jwksUrl: `${base}/.well-known/jwks`,
    token: (claims, options = {}) => {
      const key: CryptoKey = options.key === 'stranger' ? stranger.privateKey : own.privateKey;
      const { sub, ...rest } = claims;
      return new SignJWT({ run_id: '4242', actor: 'octocat', repository_owner: claims.repository.split('/')[0], ...rest })
        .setProtectedHeader({ alg: 'RS256', kid: 'gh-1', typ: 'JWT' })
        .setIssuer(options.issuer ?? GITHUB_ISSUER)
        .setAudience(options.audience ?? audience)
        .setSubject(sub ?? githubSub(claims))
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '5m')
        .sign(key);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** An access file for acme/flags: main applies acme, any pull request of it plans acme. */
export function accessFile(jwksUrl: string, audience: string): string {
  return `# yaml-language-server: $schema=../schemas/ci-access.schema.json
version: 1
jwks_url: ${jwksUrl}
audience: ${audience}
grants:
  - description: main of acme/flags applies acme
    match:
      repository: acme/flags
      ref: refs/heads/main
      job_workflow_ref: acme/flags/.github/workflows/ff.yml@refs/heads/main
    tenants: [acme]
    scopes: [plan, apply]
  - description: pull requests of acme/flags plan acme
    match:
      repository: acme/flags
      event_name: pull_request
      ref: refs/pull/*/merge
    tenants: [acme]
    scopes: [plan]
`;
}
