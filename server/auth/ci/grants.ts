// Which tenants and scopes a CI job gets: every grant whose `match` the
// token's claims satisfy adds its tenants and scopes. Pure, so the rules are
// tested without signing anything.
import type { CiAccessFile } from '../../../core/model/schema-types.js';

export type Grant = CiAccessFile['grants'][number];
export type MatchedClaim = keyof Grant['match'];

/** `*` matches a run of characters without `/`, `**` any run; everything else literally. */
export function claimPattern(pattern: string): RegExp {
  const source = pattern
    .split(/(\*\*|\*)/)
    .map((part) => (part === '**' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

const compiled = new WeakMap<Grant, [MatchedClaim, RegExp][]>();

function matchersOf(grant: Grant): [MatchedClaim, RegExp][] {
  let matchers = compiled.get(grant);
  if (matchers === undefined) {
    matchers = Object.entries(grant.match).map(([claim, pattern]) => [claim as MatchedClaim, claimPattern(String(pattern))]);
    compiled.set(grant, matchers);
  }
  return matchers;
}

/** True when every claim the grant names is present in the token, as a string, matching its pattern. */
export function grantMatches(grant: Grant, claims: Readonly<Record<string, unknown>>): boolean {
  return matchersOf(grant).every(([claim, pattern]) => {
    const value = claims[claim];
    return typeof value === 'string' && pattern.test(value);
  });
}

export interface Granted {
  tenants: Set<string>;
  scopes: Set<string>;
  /** The descriptions (or indexes) of the grants that matched, for the log. */
  matched: string[];
}

export function grantsFor(grants: readonly Grant[], claims: Readonly<Record<string, unknown>>): Granted {
  const granted: Granted = { tenants: new Set(), scopes: new Set(), matched: [] };
  grants.forEach((grant, index) => {
    if (!grantMatches(grant, claims)) return;
    for (const tenant of grant.tenants) granted.tenants.add(tenant);
    for (const scope of grant.scopes) granted.scopes.add(scope);
    granted.matched.push(grant.description ?? `grants[${index}]`);
  });
  return granted;
}
