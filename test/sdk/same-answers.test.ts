// Property: for random contexts over every flag of the example repository,
// the SDK answers exactly as the server's POST /v1/evaluate/bulk does
// (value, variant, reason, rule id, error code, bucket). The contexts are
// built from what the repository's conditions look at — every attribute, the
// values they compare with, the targeted and listed keys — mixed with noise,
// so rules, segments, targets and rollouts all decide some of them. The bulk
// route answers every flag of an environment for one context, which keeps the
// comparison exact while one request covers all flags.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Condition, JsonValue, TenantState } from '../../core/model/index.js';
import { FfClient } from '../../sdk/src/index.js';
import { startExampleServer, type ExampleServer } from './helpers/example-server.js';

const CONTEXTS = 10_000;
const IN_FLIGHT = 16;

let ex: ExampleServer;
const targets: { tenant: string; environment: string; key: string; client: FfClient }[] = [];

/** What the tenant's conditions read, and the values they compare with. */
function vocabulary(states: readonly TenantState[]) {
  const attributes = new Map<string, Set<JsonValue>>();
  const keys = new Set<string>(['user-1', 'user-42', '']);
  const visit = (conditions: readonly Condition[] | undefined) => {
    for (const c of conditions ?? []) {
      if (c.attribute === undefined) continue;
      let values = attributes.get(c.attribute);
      if (values === undefined) attributes.set(c.attribute, (values = new Set()));
      for (const v of Array.isArray(c.value) ? c.value : [c.value]) if (v !== undefined) values.add(v as JsonValue);
    }
  };
  for (const state of states) {
    for (const segment of state.segments) {
      visit(segment.conditions);
      for (const k of [...(segment.include ?? []), ...(segment.exclude ?? [])]) keys.add(k);
    }
    for (const flag of state.flags) {
      for (const env of Object.values(flag.environments ?? {})) {
        for (const list of Object.values(env?.targets ?? {})) for (const k of list ?? []) keys.add(k);
        for (const serve of [env?.default, ...(env?.rules ?? []).map((rule) => rule.serve)]) {
          if (serve?.bucketBy !== undefined) attributes.set(serve.bucketBy, attributes.get(serve.bucketBy) ?? new Set());
        }
        for (const rule of env?.rules ?? []) visit(rule.conditions);
      }
    }
  }
  return { attributes, keys: [...keys] };
}

function contextArbitrary(states: readonly TenantState[]): fc.Arbitrary<Record<string, unknown>> {
  const { attributes, keys } = vocabulary(states);
  const noise = fc.oneof(fc.string({ maxLength: 12 }), fc.integer({ min: -5, max: 500 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
  const fields: Record<string, fc.Arbitrary<unknown>> = {
    targetingKey: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...keys) }, { weight: 5, arbitrary: fc.string({ minLength: 1, maxLength: 10 }) }, { weight: 1, arbitrary: fc.integer() }),
  };
  for (const [attribute, values] of attributes) {
    const known = [...values];
    const near = known.flatMap((v): JsonValue[] => (typeof v === 'string' ? [v.toUpperCase(), `${v}x`, `x${v}`] : typeof v === 'number' ? [v - 1, v + 1] : []));
    fields[attribute] = known.length + near.length > 0 ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...known, ...near) }, { weight: 1, arbitrary: noise }) : noise;
  }
  return fc.record(fields, { requiredKeys: [] });
}

beforeAll(async () => {
  ex = await startExampleServer();
  for (const state of ex.states) {
    for (const { key: environment } of state.environments) {
      const key = await ex.apiKey(state.tenant, environment);
      const client = new FfClient({ server: ex.server.url, apiKey: key, stream: false, pollIntervalMs: 3_600_000 });
      if (!(await client.ready(10_000))) throw new Error(`no configuration for ${state.tenant}/${environment}`);
      targets.push({ tenant: state.tenant, environment, key, client });
    }
  }
});
afterAll(async () => {
  await Promise.all(targets.map((t) => t.client.close()));
  await ex?.server.close();
});

describe('the SDK and POST /v1/evaluate/bulk on the same server', () => {
  it(`give the same answer for ${CONTEXTS.toLocaleString('en')} random contexts over every flag of the example repository`, async () => {
    const contexts = fc.sample(contextArbitrary(ex.states), { numRuns: CONTEXTS, seed: 20261203 });
    const flagsSeen = new Set<string>();
    const reasons = new Set<string>();
    let compared = 0;
    const mismatches: unknown[] = [];
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < contexts.length; i = next++) {
        const target = targets[i % targets.length]!;
        // What the server receives is the JSON of the context (-0 is 0 there): the SDK gets the same.
        const context = JSON.parse(JSON.stringify(contexts[i])) as Record<string, unknown>;
        const reply = await ex.server.call('POST', '/v1/evaluate/bulk', { apiKey: target.key, tenant: null, body: { context } });
        if (reply.status !== 200) throw new Error(`bulk: ${reply.status} ${reply.text}`);
        for (const wire of reply.json.results) {
          const local = target.client.evaluate(wire.flag_key, context);
          const a = { value: local.value, variant: local.variant, reason: local.reason, rule_id: local.ruleId, error_code: local.errorCode, bucket: local.bucket, revision: target.client.revision };
          const b = { value: wire.value, variant: wire.variant, reason: wire.reason, rule_id: wire.rule_id, error_code: wire.error_code, bucket: wire.details.bucket, revision: wire.revision };
          compared++;
          flagsSeen.add(`${target.tenant}/${wire.flag_key}`);
          reasons.add(wire.reason);
          if (JSON.stringify(a) !== JSON.stringify(b) && mismatches.length < 5) mismatches.push({ target: `${target.tenant}/${target.environment}`, context, sdk: a, server: b });
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    expect(mismatches).toEqual([]);
    const allFlags = ex.states.flatMap((s) => s.flags.map((f) => `${s.tenant}/${f.key}`));
    expect([...flagsSeen].sort()).toEqual(allFlags.sort());
    expect(compared).toBeGreaterThanOrEqual(CONTEXTS * 3);
    // The contexts reach every way of deciding an answer.
    expect([...reasons].sort()).toEqual(expect.arrayContaining(['DEFAULT', 'SPLIT', 'TARGETING_MATCH']));
  }, 120_000);
});
