import { Args, Flags } from '@oclif/core';

// Flags and arguments several commands share, declared once so their names,
// defaults and help text cannot drift apart.

export const DEFAULT_FLAGS_DIR = 'flags';

export const dirArg = Args.directory({
  description: 'Flags repository: one folder per tenant.',
  default: DEFAULT_FLAGS_DIR,
  required: false,
});

export const dirFlag = Flags.directory({
  char: 'd',
  description: 'Flags repository: one folder per tenant.',
  default: DEFAULT_FLAGS_DIR,
  helpValue: '<dir>',
});

export const tenantFlag = Flags.string({
  char: 't',
  description: 'Tenant key (its folder name in the repository).',
  required: true,
  helpValue: '<tenant>',
});

export const envFlag = Flags.string({
  char: 'e',
  description: 'Environment key, as listed in the tenant.yaml.',
  required: true,
  helpValue: '<env>',
});

/** The server commands that talk to it use; FF_SERVER when the flag is absent. */
export const serverFlag = Flags.string({
  description: 'URL of the ff server (default http://localhost:8000).',
  env: 'FF_SERVER',
  helpValue: '<url>',
});

/** A JWT for the server; FF_TOKEN when the flag is absent (`ff token` mints one for development). */
export const tokenFlag = Flags.string({
  description: 'Bearer token (JWT) for the server.',
  env: 'FF_TOKEN',
  helpValue: '<jwt>',
});

/** --env for commands that may be limited to some environments (repeatable). */
export const scopeEnvFlag = Flags.string({
  char: 'e',
  description: 'Limit to this environment of each flag (repeatable). Segments, environments and deletions are tenant-wide and need a full plan.',
  multiple: true,
  helpValue: '<env>',
});

/** The three renderings of a plan. */
export const planFormatFlag = Flags.string({
  char: 'f',
  description: 'text: for a terminal; markdown: a pull-request comment; json: the plan document (schemas/plan.schema.json).',
  options: ['text', 'markdown', 'json'] as const,
  default: 'text',
});

export const detailedExitcodeFlag = Flags.boolean({
  description: 'Exit 0 when there is nothing to change, 2 when there are changes, 1 on error.',
  default: false,
});

/** Source trees whose references to a deleted flag make the deletion "in use" (ff refs' search). */
export const refsFlag = Flags.directory({
  description: 'Search this source tree for references to the flags the plan deletes (repeatable; ff refs\' rules and its .ff-refs.yaml). FF_REFS names one when the flag is absent.',
  multiple: true,
  env: 'FF_REFS',
  helpValue: '<src>',
});

/** --refs values: oclif hands a value from FF_REFS over as one string, from the flag as a list. */
export function refsRoots(value: readonly string[] | string | undefined): string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : [...value];
}
