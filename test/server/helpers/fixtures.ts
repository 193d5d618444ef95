import type { TenantState } from '../../../core/model/index.js';

/** Tenant A: the one the tests act as. Small, but every document kind and the main engine paths. */
export const ALPHA: TenantState = {
  tenant: 'alpha',
  name: 'Alpha Inc',
  environments: [{ key: 'development' }, { key: 'production', name: 'Production' }],
  segments: [
    {
      key: 'staff',
      description: 'Employees',
      conditions: [{ attribute: 'email', operator: 'ends_with', value: '@alpha.test' }],
    },
  ],
  flags: [
    {
      key: 'new-checkout',
      description: 'The redesigned checkout',
      tags: ['checkout', 'web'],
      type: 'boolean',
      variants: { on: true, off: false },
      offVariant: 'off',
      environments: {
        development: { enabled: true, default: { variant: 'on' } },
        production: {
          enabled: true,
          targets: { on: ['vip-1'] },
          rules: [{ id: 'staff', conditions: [{ segment: 'staff' }], serve: { variant: 'on' } }],
          default: { rollout: { on: 50, off: 50 } },
        },
      },
    },
    {
      key: 'banner-text',
      description: 'Home page banner',
      tags: ['web'],
      type: 'string',
      variants: { plain: 'Welcome', sale: 'Sale now on' },
      offVariant: 'plain',
      environments: { production: { enabled: true, default: { variant: 'sale' } } },
    },
    {
      key: 'max-items',
      type: 'number',
      variants: { small: 10, large: 100 },
      offVariant: 'small',
      environments: { production: { enabled: false } },
    },
    {
      key: 'theme',
      type: 'object',
      variants: { light: { bg: '#fff' }, dark: { bg: '#000' } },
      offVariant: 'light',
      environments: { production: { enabled: true, default: { variant: 'dark' } } },
    },
  ],
};

/** Canary strings planted in tenant B: none may ever appear in a response to tenant A. */
export const CANARY = {
  flag: 'canary-flag-b7q',
  segment: 'canary-seg-b7q',
  description: 'CANARY-DESCRIPTION-b7q-SECRET',
  value: 'CANARY-VALUE-b7q-SECRET',
  environment: 'canary-env-b7q',
  tenantName: 'CANARY-TENANT-NAME-b7q',
};

export const BRAVO: TenantState = {
  tenant: 'bravo',
  name: CANARY.tenantName,
  environments: [{ key: 'production' }, { key: CANARY.environment, description: CANARY.description }],
  segments: [{ key: CANARY.segment, description: CANARY.description, include: ['user-b'] }],
  flags: [
    {
      key: CANARY.flag,
      description: CANARY.description,
      type: 'string',
      variants: { secret: CANARY.value, other: 'other' },
      offVariant: 'other',
      environments: {
        production: { enabled: true, default: { variant: 'secret' } },
        [CANARY.environment]: { enabled: true, default: { variant: 'secret' } },
      },
    },
  ],
};
