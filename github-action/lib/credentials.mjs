// The token ff is called with: the `token` input when given (a long-lived
// secret, the fallback), else a short-lived OIDC token GitHub issues to this
// job (permissions: id-token: write), for the audience the server expects.
import { ActionError, input, mask } from './runner.mjs';

export async function ffToken(server) {
  const given = input('token');
  if (given !== '') {
    mask(given);
    return given;
  }
  const url = process.env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const bearer = process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!url || !bearer) {
    throw new ActionError(
      'no credentials: give the job `permissions: id-token: write` (keyless, preferred) or pass `token:` (a secret); pull requests from forks get neither',
    );
  }
  const audience = input('oidc-audience', server);
  const response = await fetch(`${url}${url.includes('?') ? '&' : '?'}audience=${encodeURIComponent(audience)}`, {
    headers: { authorization: `Bearer ${bearer}`, accept: 'application/json' },
  });
  if (!response.ok) throw new ActionError(`GitHub refused an OIDC token (${response.status}) for the audience ${audience}`);
  const { value } = await response.json();
  if (typeof value !== 'string' || value === '') throw new ActionError('GitHub answered without an OIDC token');
  mask(value);
  return value;
}
