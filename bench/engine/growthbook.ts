// GrowthBook's server-side client (GrowthBookClient), initialised synchronously
// from a payload (no network), evaluated with evalFeature per user context.
// Rules: a `force` rule with a condition per targeting rule; the 25% rollout is a
// force rule with `coverage`; the 3-way split is an experiment rule. GrowthBook's
// condition-based saved groups are inlined into conditions by its API, so the
// segment appears inline here too.
import { GrowthBookClient, type FeatureDefinition, type UserContext } from '@growthbook/growthbook';
import { packageVersion } from '../lib/package-version.js';
import type { EngineAdapter, PreparedEngine } from './adapter.js';
import { BETA_COUNTRIES, BLOCKED_COUNTRIES, ROLLOUT_ON_PERCENT, SPLIT_WEIGHTS, WORKLOADS, type BenchUser, type WorkloadId } from './workloads.js';

const featureA: FeatureDefinition<boolean> = {
  defaultValue: false,
  rules: [
    { id: 'enterprise', condition: { plan: 'enterprise' }, force: true },
    { id: 'rollout', force: true, coverage: ROLLOUT_ON_PERCENT / 100, hashAttribute: 'id' },
  ],
};

const splitVariants = Object.keys(SPLIT_WEIGHTS);
const splitTotal = Object.values(SPLIT_WEIGHTS).reduce((a, b) => a + b, 0);

const featureB: FeatureDefinition<string> = {
  defaultValue: 'control',
  rules: [
    { id: 'blocked-countries', condition: { country: { $in: BLOCKED_COUNTRIES } }, force: 'control' },
    { id: 'old-app', condition: { appVersion: { $vlt: '4.0.0' } }, force: 'control' },
    { id: 'staff', condition: { email: { $regex: '@acme\\.com$' } }, force: 'treatment-a' },
    { id: 'beta', condition: { country: { $in: BETA_COUNTRIES }, accountAgeDays: { $gte: 30 } }, force: 'treatment-b' },
    { id: 'big-enterprise', condition: { plan: 'enterprise', seats: { $gte: 100 } }, force: 'treatment-a' },
    {
      id: 'split',
      key: WORKLOADS.B.flagKey,
      variations: splitVariants,
      weights: Object.values(SPLIT_WEIGHTS).map((w) => w / splitTotal),
      hashAttribute: 'id',
      coverage: 1,
    },
  ],
};

export function growthbookAdapter(): EngineAdapter {
  return {
    name: 'growthbook',
    version: packageVersion('@growthbook/growthbook'),
    async prepare(workload: WorkloadId) {
      const flagKey = WORKLOADS[workload].flagKey;
      const client = new GrowthBookClient().initSync({
        payload: { features: { [flagKey]: workload === 'A' ? featureA : featureB } },
      });
      const prepared: PreparedEngine<UserContext> = {
        context:
          workload === 'A'
            ? (u: BenchUser) => ({ attributes: { id: u.key, plan: u.plan } })
            : (u: BenchUser) => ({
                attributes: {
                  id: u.key,
                  plan: u.plan,
                  country: u.country,
                  appVersion: u.appVersion,
                  email: u.email,
                  accountAgeDays: u.accountAgeDays,
                  seats: u.seats,
                },
              }),
        evaluate:
          workload === 'A'
            ? (context) => (client.evalFeature<boolean>(flagKey, context).value ? 'on' : 'off')
            : (context) => client.evalFeature<string>(flagKey, context).value ?? 'error',
        close: () => client.destroy(),
      };
      return prepared as PreparedEngine;
    },
  };
}
