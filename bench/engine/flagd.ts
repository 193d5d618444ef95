// OpenFeature flagd's in-process evaluator (@openfeature/flagd-core): the same
// flags as flagd JSON, targeting in JsonLogic with `if`, `fractional` for the
// rollout and a shared `$evaluators` entry as the segment.
import { FlagdCore } from '@openfeature/flagd-core';
import { packageVersion } from '../lib/package-version.js';
import type { EngineAdapter, PreparedEngine } from './adapter.js';
import { BETA_COUNTRIES, BLOCKED_COUNTRIES, ROLLOUT_ON_PERCENT, SPLIT_WEIGHTS, WORKLOADS, type BenchUser, type WorkloadId } from './workloads.js';

/** Workload A as a flagd flag file (the SDK bench gives the flagd provider the same). */
export const configA = {
  flags: {
    [WORKLOADS.A.flagKey]: {
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: 'off',
      targeting: {
        if: [
          { '==': [{ var: 'plan' }, 'enterprise'] },
          'on',
          { fractional: [['on', ROLLOUT_ON_PERCENT], ['off', 100 - ROLLOUT_ON_PERCENT]] },
        ],
      },
    },
  },
};

export const configB = {
  $evaluators: {
    'beta-users': {
      and: [{ in: [{ var: 'country' }, BETA_COUNTRIES] }, { '>=': [{ var: 'accountAgeDays' }, 30] }],
    },
  },
  flags: {
    [WORKLOADS.B.flagKey]: {
      state: 'ENABLED',
      variants: { control: 'control', 'treatment-a': 'treatment-a', 'treatment-b': 'treatment-b' },
      defaultVariant: 'control',
      targeting: {
        if: [
          { in: [{ var: 'country' }, BLOCKED_COUNTRIES] },
          'control',
          { sem_ver: [{ var: 'appVersion' }, '<', '4.0.0'] },
          'control',
          { ends_with: [{ var: 'email' }, '@acme.com'] },
          'treatment-a',
          { $ref: 'beta-users' },
          'treatment-b',
          { and: [{ '==': [{ var: 'plan' }, 'enterprise'] }, { '>=': [{ var: 'seats' }, 100] }] },
          'treatment-a',
          { fractional: Object.entries(SPLIT_WEIGHTS) },
        ],
      },
    },
  },
};

interface FlagdContext {
  targetingKey: string;
  [attribute: string]: string | number;
}

export function flagdAdapter(): EngineAdapter {
  return {
    name: 'flagd-core',
    version: packageVersion('@openfeature/flagd-core'),
    async prepare(workload: WorkloadId) {
      const core = new FlagdCore();
      core.setConfigurations(JSON.stringify(workload === 'A' ? configA : configB));
      const flagKey = WORKLOADS[workload].flagKey;
      const prepared: PreparedEngine<FlagdContext> =
        workload === 'A'
          ? {
              context: (u: BenchUser) => ({ targetingKey: u.key, plan: u.plan }),
              evaluate: (context) => core.resolveBooleanEvaluation(flagKey, false, context).variant ?? 'error',
              close: () => undefined,
            }
          : {
              context: (u: BenchUser) => ({
                targetingKey: u.key,
                plan: u.plan,
                country: u.country,
                appVersion: u.appVersion,
                email: u.email,
                accountAgeDays: u.accountAgeDays,
                seats: u.seats,
              }),
              evaluate: (context) => core.resolveStringEvaluation(flagKey, 'control', context).variant ?? 'error',
              close: () => undefined,
            };
      return prepared as PreparedEngine;
    },
  };
}
