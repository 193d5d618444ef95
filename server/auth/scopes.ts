/** Every scope a token can carry (space-separated in the `scope` claim). docs/auth.md has the table. */
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

export const isScope = (s: string): s is Scope => (SCOPES as readonly string[]).includes(s);
