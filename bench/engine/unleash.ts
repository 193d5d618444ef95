// Unleash's Node SDK (unleash-client) bootstrapped from in-memory data, fully
// offline: refreshInterval 0 turns polling off (the fetcher returns before any
// request), metrics are disabled and the backup store is in memory, so it never
// opens a socket or writes a file. Rules are strategies tried in order, each with
// constraints and a single strategy variant; the segment is an Unleash segment;
// the rollouts are flexibleRollout strategies sticky on userId.
import { once } from 'node:events';
import { InMemStorageProvider, Unleash, type ClientFeaturesResponse, type Context } from 'unleash-client';
import { packageVersion } from '../lib/package-version.js';
import type { EngineAdapter, PreparedEngine } from './adapter.js';
import { BETA_COUNTRIES, BLOCKED_COUNTRIES, ROLLOUT_ON_PERCENT, SPLIT_WEIGHTS, WORKLOADS, type BenchUser, type WorkloadId } from './workloads.js';

type Feature = ClientFeaturesResponse['features'][number];
type Strategy = NonNullable<Feature['strategies']>[number];
type Constraint = NonNullable<Strategy['constraints']>[number];
type Segment = NonNullable<ClientFeaturesResponse['segments']>[number];

const constraint = (contextName: string, operator: Constraint['operator'], values: string[], value?: string): Constraint => ({
  contextName,
  operator,
  inverted: false,
  values,
  ...(value === undefined ? {} : { value }),
});

const featureBase = { enabled: true, type: 'release', project: 'default', stale: false, impressionData: false, variants: [] };

const featureA: Feature = {
  ...featureBase,
  name: WORKLOADS.A.flagKey,
  strategies: [
    { name: 'default', parameters: {}, constraints: [constraint('plan', 'IN' as Constraint['operator'], ['enterprise'])] },
    {
      name: 'flexibleRollout',
      parameters: { rollout: String(ROLLOUT_ON_PERCENT), stickiness: 'userId', groupId: WORKLOADS.A.flagKey },
      constraints: [],
    },
  ],
} as Feature;

const BETA_SEGMENT_ID = 1;
const segmentsB: Segment[] = [
  {
    id: BETA_SEGMENT_ID,
    constraints: [
      constraint('country', 'IN' as Constraint['operator'], BETA_COUNTRIES),
      constraint('accountAgeDays', 'NUM_GTE' as Constraint['operator'], [], '30'),
    ],
  },
];

const only = (variant: string) => [{ name: variant, weight: 1000, weightType: 'variable', stickiness: 'default' }];

const featureB: Feature = {
  ...featureBase,
  name: WORKLOADS.B.flagKey,
  strategies: [
    { name: 'default', parameters: {}, constraints: [constraint('country', 'IN' as Constraint['operator'], BLOCKED_COUNTRIES)], variants: only('control') },
    { name: 'default', parameters: {}, constraints: [constraint('appVersion', 'SEMVER_LT' as Constraint['operator'], [], '4.0.0')], variants: only('control') },
    { name: 'default', parameters: {}, constraints: [constraint('email', 'STR_ENDS_WITH' as Constraint['operator'], ['@acme.com'])], variants: only('treatment-a') },
    { name: 'default', parameters: {}, constraints: [], segments: [BETA_SEGMENT_ID], variants: only('treatment-b') },
    {
      name: 'default',
      parameters: {},
      constraints: [constraint('plan', 'IN' as Constraint['operator'], ['enterprise']), constraint('seats', 'NUM_GTE' as Constraint['operator'], [], '100')],
      variants: only('treatment-a'),
    },
    {
      name: 'flexibleRollout',
      parameters: { rollout: '100', stickiness: 'userId', groupId: WORKLOADS.B.flagKey },
      constraints: [],
      // Unleash variant weights are out of 1000.
      variants: Object.entries(SPLIT_WEIGHTS).map(([name, weight]) => ({ name, weight: weight * 10, weightType: 'fix', stickiness: 'userId' })),
    },
  ],
} as Feature;

function openSockets(): string[] {
  return process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP') || r.includes('Socket'));
}

export function unleashAdapter(): EngineAdapter {
  return {
    name: 'unleash-client',
    version: packageVersion('unleash-client'),
    async prepare(workload: WorkloadId) {
      const flagKey = WORKLOADS[workload].flagKey;
      const socketsBefore = openSockets().length;
      const unleash = new Unleash({
        appName: 'ff-bench',
        url: 'http://127.0.0.1:1/api/',
        refreshInterval: 0,
        disableMetrics: true,
        skipInstanceCountWarning: true,
        storageProvider: new InMemStorageProvider(),
        bootstrap: workload === 'A' ? { data: [featureA] } : { data: [featureB], segments: segmentsB },
      });
      unleash.on('error', () => undefined);
      if (!unleash.isSynchronized()) await once(unleash, 'synchronized');
      if (openSockets().length > socketsBefore) throw new Error('unleash-client opened a socket: the benchmark must run offline');

      const prepared: PreparedEngine<Context> =
        workload === 'A'
          ? {
              context: (u: BenchUser) => ({ userId: u.key, properties: { plan: u.plan } }),
              evaluate: (context) => (unleash.isEnabled(flagKey, context) ? 'on' : 'off'),
              close: () => unleash.destroy(),
            }
          : {
              // Unleash context properties are strings; numeric constraints parse them.
              context: (u: BenchUser) => ({
                userId: u.key,
                properties: {
                  plan: u.plan,
                  country: u.country,
                  appVersion: u.appVersion,
                  email: u.email,
                  accountAgeDays: String(u.accountAgeDays),
                  seats: String(u.seats),
                },
              }),
              evaluate: (context) => unleash.getVariant(flagKey, context).name,
              close: () => unleash.destroy(),
            };
      return prepared as PreparedEngine;
    },
  };
}
