// Request examples of /openapi.json, by operationId (server/http/openapi.ts
// derives the ids). They are what "Try it out" in /docs sends, so each is a
// request that succeeds against the example tenant `acme` of flags/; the
// OpenAPI test lints them against the schemas (no-invalid-media-type-examples).
import { manifestBucketsOf } from '../../core/diff/index.js';
import type { TenantState } from '../../core/model/index.js';

const checkoutFlag = {
  key: 'new-checkout',
  description: 'The redesigned one-page checkout.',
  owner: 'team-checkout',
  tags: ['checkout', 'web'],
  type: 'boolean',
  variants: { on: true, off: false },
  offVariant: 'off',
  environments: {
    production: {
      enabled: true,
      targets: { off: ['user-complained-about-redesign'] },
      rules: [{ id: 'staff', conditions: [{ attribute: 'email', operator: 'ends_with', value: '@acme.example' }], serve: { variant: 'on' } }],
      default: { rollout: { on: 10, off: 90 } },
    },
  },
};

const betaSegment = {
  key: 'beta-programme',
  description: 'Customers who joined the beta programme.',
  match: 'any',
  conditions: [{ attribute: 'plan', operator: 'in', value: ['beta', 'enterprise'] }],
  include: ['user-42'],
};

const stagingEnvironment = { key: 'staging', name: 'Staging', description: 'Pre-production, deployed from main.' };

const context = { targetingKey: 'user-42', email: 'ada@acme.example', plan: 'beta', country: 'GB' };

const desiredState = {
  name: 'Acme Corp',
  environments: [{ key: 'development' }, { key: 'production', name: 'Production' }],
  segments: [betaSegment],
  flags: [checkoutFlag],
};

const commit = {
  sha: '4b825dc642cb6eb9a060e54bf8d69288fbee4904',
  author: 'Ada Lovelace',
  email: 'ada@acme.example',
  message: 'Roll the new checkout out to 10%',
  branch: 'main',
  remote_url: 'git@github.com:acme/flags.git',
  committed_at: '2026-11-21T10:00:00Z',
  dirty: false,
};

export const REQUEST_EXAMPLES: Readonly<Record<string, Record<string, unknown>>> = {
  postFlags: { booleanFlag: checkoutFlag },
  putFlagsByKey: { rolloutTo20Percent: { ...checkoutFlag, environments: { production: { ...checkoutFlag.environments.production, default: { rollout: { on: 20, off: 80 } } } } } },
  postSegments: { betaProgramme: betaSegment },
  putSegmentsByKey: { addACustomer: { ...betaSegment, include: ['user-42', 'user-43'] } },
  postEnvironments: { staging: stagingEnvironment },
  putEnvironmentsByKey: { rename: { ...stagingEnvironment, name: 'Staging (EU)' } },
  postApiKeys: { webProduction: { name: 'web frontend (production)', environment: 'production' } },
  postStateManifest: { digestsOfTheFiles: { buckets: manifestBucketsOf({ tenant: 'acme', ...desiredState } as unknown as TenantState).digestList() } },
  postPlan: { wholeTenant: { state: desiredState } },
  postApply: {
    apply: { state: desiredState, base_revision: 7, commit },
    dryRun: { state: desiredState, dry_run: true },
  },
  postEvaluate: { withApiKey: { flag_key: 'new-checkout', context }, withToken: { flag_key: 'new-checkout', environment: 'production', context } },
  postEvaluateBulk: { everyFlag: { environment: 'production', context }, listedFlags: { environment: 'production', flag_keys: ['new-checkout'], context } },
  postEvaluatePreview: { explain: { flag_key: 'new-checkout', environment: 'production', context } },
  postOfrepEvaluateFlagsByKey: { context: { context } },
  postOfrepEvaluateFlags: { context: { context } },
  postEvents: {
    conversionAndRevenue: {
      events: [
        { id: '6f1c2a9e-0d4b-4c1e-9a57-3b2f7d8e1a01', event: 'plan-purchased', unit: 'acct-1' },
        { id: '6f1c2a9e-0d4b-4c1e-9a57-3b2f7d8e1a02', event: 'revenue', unit: 'acct-1', value: 49.5, timestamp: '2026-12-03T09:00:00Z' },
      ],
    },
  },
  postExposures: { fromAnSdk: { revision: 12, exposures: [{ experiment: 'pricing-q4', flag: 'pricing-experiment', variant: 'bundle', unit: 'acct-2' }] } },
};
