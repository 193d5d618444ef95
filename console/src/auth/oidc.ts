// Sign-in with the identity provider the server trusts (FF_JWT_ISSUER /
// FF_JWKS_URL): discovery, a redirect to its authorization endpoint, and the
// code exchanged for a token at its token endpoint with the PKCE verifier.
// What comes back is the bearer token the console then sends, exactly like
// a pasted one.
import type { ConsoleConfig } from '../../../server/features/console/console-config.js';
import { authorizeUrl, challengeOf, randomVerifier } from './pkce.js';

/** The identity provider the server names in /ui/config.json (its type, not a copy of it). */
export type OidcSettings = NonNullable<ConsoleConfig['oidc']>;

interface Pending {
  state: string;
  verifier: string;
  tokenEndpoint: string;
  /** The console route to return to. */
  hash: string;
}

const PENDING = 'ff.console.oidc';

export const redirectUri = (location: Location): string => `${location.origin}/ui/`;

async function discover(issuer: string): Promise<{ authorization_endpoint: string; token_endpoint: string }> {
  const response = await fetch(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`the identity provider's discovery document answered ${response.status}`);
  return (await response.json()) as { authorization_endpoint: string; token_endpoint: string };
}

export async function startSignIn(settings: OidcSettings): Promise<void> {
  const meta = await discover(settings.issuer);
  const verifier = randomVerifier();
  const pending: Pending = { state: randomVerifier(), verifier, tokenEndpoint: meta.token_endpoint, hash: location.hash };
  sessionStorage.setItem(PENDING, JSON.stringify(pending));
  location.assign(
    authorizeUrl({
      authorizationEndpoint: meta.authorization_endpoint,
      clientId: settings.client_id,
      redirectUri: redirectUri(location),
      scope: settings.scope,
      state: pending.state,
      challenge: await challengeOf(verifier),
    }),
  );
}

/**
 * On the way back from the provider (?code=…&state=…): the token, after
 * removing the code from the address bar. Null when this is not a return.
 */
export async function finishSignIn(settings: OidcSettings): Promise<string | null> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const error = params.get('error');
  if (code === null && error === null) return null;
  const raw = sessionStorage.getItem(PENDING);
  sessionStorage.removeItem(PENDING);
  const pending = raw === null ? null : (JSON.parse(raw) as Pending);
  history.replaceState(null, '', `/ui/${pending?.hash ?? ''}`);
  if (error !== null) throw new Error(`the identity provider refused the sign-in: ${error}`);
  if (pending === null || params.get('state') !== pending.state) throw new Error('the sign-in answer does not match a sign-in started here; try again');
  const response = await fetch(pending.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: code ?? '',
      redirect_uri: redirectUri(location),
      client_id: settings.client_id,
      code_verifier: pending.verifier,
    }),
  });
  if (!response.ok) throw new Error(`the identity provider's token endpoint answered ${response.status}`);
  const body = (await response.json()) as { access_token?: string };
  if (typeof body.access_token !== 'string') throw new Error('the identity provider returned no access token');
  return body.access_token;
}
