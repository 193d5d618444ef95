/**
 * Every scope a management token can carry (space-separated in the `scope`
 * claim); docs/auth.md has the table of which route needs which. Shared by the
 * server, which enforces them, and `ff token`, which mints them.
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
  'apply',
] as const;

export type Scope = (typeof SCOPES)[number];
