import type { Scope } from './scopes.js';

/** Who made the request, once authenticated. */
export type Principal = UserPrincipal | ApiKeyPrincipal;

export interface UserPrincipal {
  kind: 'user';
  sub: string;
  /** '*' = every tenant. */
  tenants: '*' | ReadonlySet<string>;
  scopes: ReadonlySet<Scope | string>;
}

export interface ApiKeyPrincipal {
  kind: 'api_key';
  keyId: string;
  tenant: string;
  environment: string;
}

/** The audit `actor` of a principal. */
export const actorOf = (p: Principal): string => (p.kind === 'user' ? p.sub : `api-key:${p.keyId}`);

export const coversTenant = (p: UserPrincipal, tenant: string): boolean =>
  p.tenants === '*' || p.tenants.has(tenant) || p.tenants.has('*');
