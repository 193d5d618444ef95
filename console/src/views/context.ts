import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Api } from '../api.js';
import type { Claims } from '../auth/claims.js';
import type { Scope } from '../../../core/model/scopes.js';

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'refused' | 'off';

/** What every view of one tenant needs: the API bound to it, what the token allows, and the live revision. */
export interface TenantContext {
  tenant: string;
  api: Api;
  claims: Claims;
  can: (scope: Scope) => boolean;
  /** The tenant's newest revision seen on the change stream (0 until one arrives); views reload when it moves. */
  revision: number;
  /** Counts `marks` events (drift cleared without a revision); views that show drift reload when it moves. */
  marks: number;
  live: LiveStatus;
}

export const Tenant = createContext<TenantContext | null>(null);

export function useTenant(): TenantContext {
  const ctx = useContext(Tenant);
  if (ctx === null) throw new Error('no tenant context');
  return ctx;
}
