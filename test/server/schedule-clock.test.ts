// A progressive rollout moves to its next step on time, with no write: the
// index builds snapshots for the present moment and rebuilds a tenant when
// its next step comes, at the same revision. On both stores (the matrix):
// the rebuild reads the tenant back from the database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantState } from '../../core/model/index.js';
import { until } from '../live/helpers/poll.js';
import { storeMatrix } from '../support/postgres.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const STEP_IN_MS = 1_500;

describe.each(storeMatrix())('progressive rollouts on the server ($store store)', ({ store }) => {
  let s: TestServer;
  let stepAt: number;

  beforeAll(async () => {
    stepAt = Date.now() + STEP_IN_MS;
    const state: TenantState = {
      tenant: 'alpha',
      environments: [{ key: 'production' }],
      segments: [],
      flags: [
        {
          key: 'ramp',
          type: 'boolean',
          variants: { on: true, off: false },
          offVariant: 'off',
          environments: {
            production: {
              enabled: true,
              default: {
                schedule: [
                  { at: new Date(stepAt - 3_600_000).toISOString(), variant: 'off' },
                  { at: new Date(stepAt).toISOString(), variant: 'on' },
                ],
              },
            },
          },
        },
      ],
    };
    s = await startTestServer({ store, tenants: [state] });
  });
  afterAll(async () => s.close());

  const evaluate = async () => (await s.call('POST', '/v1/evaluate', { body: { flag_key: 'ramp', environment: 'production', context: { targetingKey: 'u1' } } })).json;

  it('serves the step in force now, then the next one once its time comes, at the same revision', async () => {
    const before = await evaluate();
    expect(Date.now() < stepAt ? before.value : false).toBe(false);
    const after = await until('the next step', async () => {
      const answer = await evaluate();
      return answer.value === true ? answer : undefined;
    }, 20_000);
    expect(Date.now()).toBeGreaterThanOrEqual(stepAt);
    expect(after.revision).toBe(before.revision);
  });
});
