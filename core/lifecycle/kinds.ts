// Flag kinds and how long a flag of each kind is expected to live. The
// defaults are Unleash's (their users tuned them over years), so teams moving
// over keep the staleness they know; a tenant overrides them in tenant.yaml.
import type { Flag, TenantFile } from '../model/index.js';

export type FlagKind = NonNullable<Flag['kind']>;
/** Days, or null for a kind that is meant to stay. */
export type Lifetime = number | null;

export const FLAG_KINDS: readonly FlagKind[] = ['release', 'experiment', 'operational', 'kill-switch', 'permission'];

/** A flag without `kind` is a release flag: the commonest and the one that most needs removing. */
export const DEFAULT_KIND: FlagKind = 'release';

export const DEFAULT_LIFETIMES: Readonly<Record<FlagKind, Lifetime>> = Object.freeze({
  release: 40,
  experiment: 40,
  operational: 7,
  'kill-switch': null,
  permission: null,
});

export type LifetimeOverrides = NonNullable<TenantFile['lifetimes']>;

/** The lifetimes in force for a tenant: its overrides over the defaults. */
export function effectiveLifetimes(overrides: LifetimeOverrides | undefined): Record<FlagKind, Lifetime> {
  const out = { ...DEFAULT_LIFETIMES };
  for (const kind of FLAG_KINDS) {
    const value = overrides?.[kind];
    if (value !== undefined) out[kind] = value === 'permanent' ? null : value;
  }
  return out;
}

export function kindOf(flag: Pick<Flag, 'kind'>): FlagKind {
  return flag.kind ?? DEFAULT_KIND;
}
