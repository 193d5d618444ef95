// Our engine: buildSnapshot once, then evaluate per user, exactly as the server
// and `ff eval` call it.
import { buildSnapshot, evaluate } from '../../core/engine/index.js';
import type { EvaluationContext } from '../../core/engine/types.js';
import type { Flag, Segment, TenantState } from '../../core/model/index.js';
import type { EngineAdapter, PreparedEngine } from './adapter.js';
import { BETA_COUNTRIES, BLOCKED_COUNTRIES, ROLLOUT_ON_PERCENT, SPLIT_WEIGHTS, WORKLOADS, type BenchUser, type WorkloadId } from './workloads.js';

const ENVIRONMENT = 'production';

const flagA: Flag = {
  key: WORKLOADS.A.flagKey,
  type: 'boolean',
  variants: { on: true, off: false },
  offVariant: 'off',
  environments: {
    [ENVIRONMENT]: {
      enabled: true,
      rules: [
        { id: 'enterprise', conditions: [{ attribute: 'plan', operator: 'equals', value: 'enterprise' }], serve: { variant: 'on' } },
      ],
      default: { rollout: { on: ROLLOUT_ON_PERCENT, off: 100 - ROLLOUT_ON_PERCENT } },
    },
  },
};

const betaUsers: Segment = {
  key: 'beta-users',
  match: 'all',
  conditions: [
    { attribute: 'country', operator: 'in', value: BETA_COUNTRIES },
    { attribute: 'accountAgeDays', operator: 'gte', value: 30 },
  ],
};

const flagB: Flag = {
  key: WORKLOADS.B.flagKey,
  type: 'string',
  variants: { control: 'control', 'treatment-a': 'treatment-a', 'treatment-b': 'treatment-b' },
  offVariant: 'control',
  environments: {
    [ENVIRONMENT]: {
      enabled: true,
      rules: [
        { id: 'blocked-countries', conditions: [{ attribute: 'country', operator: 'in', value: BLOCKED_COUNTRIES }], serve: { variant: 'control' } },
        { id: 'old-app', conditions: [{ attribute: 'appVersion', operator: 'semver_lt', value: '4.0.0' }], serve: { variant: 'control' } },
        { id: 'staff', conditions: [{ attribute: 'email', operator: 'ends_with', value: '@acme.com' }], serve: { variant: 'treatment-a' } },
        { id: 'beta', conditions: [{ segment: 'beta-users' }], serve: { variant: 'treatment-b' } },
        {
          id: 'big-enterprise',
          conditions: [
            { attribute: 'plan', operator: 'equals', value: 'enterprise' },
            { attribute: 'seats', operator: 'gte', value: 100 },
          ],
          serve: { variant: 'treatment-a' },
        },
      ],
      default: { rollout: { ...SPLIT_WEIGHTS } },
    },
  },
};

/** The workload's flag (and segment) as a tenant: what the SDK bench bootstraps from too. */
export function tenantState(workload: WorkloadId): TenantState {
  return {
    tenant: 'bench',
    environments: [{ key: ENVIRONMENT }],
    flags: [workload === 'A' ? flagA : flagB],
    segments: workload === 'A' ? [] : [betaUsers],
  };
}

export function ffAdapter(version: string): EngineAdapter {
  return {
    name: 'ff (ours)',
    version,
    async prepare(workload) {
      const snapshot = buildSnapshot(tenantState(workload), ENVIRONMENT, 1);
      const flagKey = WORKLOADS[workload].flagKey;
      const prepared: PreparedEngine<EvaluationContext> = {
        context:
          workload === 'A'
            ? (u: BenchUser) => ({ targetingKey: u.key, plan: u.plan })
            : (u: BenchUser) => ({
                targetingKey: u.key,
                plan: u.plan,
                country: u.country,
                appVersion: u.appVersion,
                email: u.email,
                accountAgeDays: u.accountAgeDays,
                seats: u.seats,
              }),
        evaluate: (context) => evaluate(snapshot, flagKey, context).variant ?? 'error',
        close: () => undefined,
      };
      return prepared as PreparedEngine;
    },
  };
}
