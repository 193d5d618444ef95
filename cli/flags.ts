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
