/**
 * Every scope a management token can carry (space-separated in the `scope`
 * claim); docs/auth.md has the table of which route needs which. Shared by the
 * server, which enforces them, and `ff token`, which mints them. `plan` reads
 * a tenant's state and computes plans, never writes: what a pull request's CI
 * job gets; `apply` also writes the state, for the job on the main branch.
 */
export const SCOPES = [
  'flags:read',
  'flags:write',
  'segments:read',
  'segments:write',
  'environments:read',
  'environments:write',
  'keys:read',
  'keys:write',
  'audit:read',
  'evaluate',
  'plan',
  'apply',
] as const;

export type Scope = (typeof SCOPES)[number];
