// What the server benchmark sends. The flag is flags/acme's `new-checkout` in
// production: a target list, a regular-expression rule on the user agent, two
// segment rules (staff by e-mail domain or employee id; beta customers by
// opt-in and account age) and a 10% rollout — most users walk every rule and
// land in the rollout. The contexts look like what a web shop sends.
import type { Request } from 'autocannon';

export const TENANT = 'acme';
export const ENVIRONMENT = 'production';
export const FLAG = 'new-checkout';
export const BARE_PATH = '/bare';

const COUNTRIES = ['DE', 'US', 'FR', 'GB', 'NL', 'CA', 'ES', 'PL'];
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const IE = 'Mozilla/5.0 (Windows NT 6.1; Trident/7.0; rv:11.0) like Gecko';

/** `count` distinct users; every 8th is staff, every 16th on Internet Explorer, a quarter opted into the beta. */
export function contexts(count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => ({
    targetingKey: `user-${100_000 + i}`,
    email: i % 8 === 3 ? `dev${i}@ACME.com` : `shopper${i}@example.com`,
    country: COUNTRIES[i % COUNTRIES.length],
    userAgent: i % 16 === 5 ? IE : CHROME,
    betaOptIn: i % 4 === 1,
    accountAgeDays: 5 + ((i * 37) % 400),
    plan: i % 3 === 0 ? 'pro' : 'free',
    accountId: `acct-${i % 50}`,
    appVersion: `4.${i % 10}.0`,
  }));
}

/** The request sets: a target of the benchmark sends one of them (the cluster targets reuse bare and evaluate). */
export type RequestSetId = 'bare' | 'evaluate' | 'ofrep' | 'bulk';

/** The request sequence each autocannon connection cycles through (bodies built once, not per request). */
export function requestsFor(target: RequestSetId, apiKey: string, users: readonly Record<string, unknown>[]): Request[] {
  const json = { 'content-type': 'application/json' };
  switch (target) {
    case 'bare':
      // The same bodies as /v1/evaluate, so Fastify parses as much JSON as ours does.
      return users.map((context) => ({ method: 'POST', path: BARE_PATH, headers: json, body: JSON.stringify({ flag_key: FLAG, context }) }));
    case 'evaluate':
      return users.map((context) => ({
        method: 'POST',
        path: '/v1/evaluate',
        headers: { ...json, 'x-api-key': apiKey },
        body: JSON.stringify({ flag_key: FLAG, context }),
      }));
    case 'ofrep':
      // As @openfeature/ofrep-provider sends it: the key as a bearer token.
      return users.map((context) => ({
        method: 'POST',
        path: `/ofrep/v1/evaluate/flags/${FLAG}`,
        headers: { ...json, authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ context }),
      }));
    case 'bulk':
      // Every flag of the tenant's environment for one context, as an SDK's start-up fetch does.
      return users.map((context) => ({
        method: 'POST',
        path: '/v1/evaluate/bulk',
        headers: { ...json, 'x-api-key': apiKey },
        body: JSON.stringify({ context }),
      }));
  }
}
