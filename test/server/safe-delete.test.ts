// Safe delete on the server: a plan marks each flag deletion with what still
// uses it (evaluations within FF_DELETE_IN_USE_DAYS, flags that require it),
// and an apply deleting an in-use flag is refused unless the request carries
// allow_delete_in_use — so a raw API call cannot skip what `ff apply` checks.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Flag, TenantState } from '../../core/model/index.js';
import { commit, fingerprint, postApply } from './helpers/apply.js';
import { ALPHA } from './helpers/fixtures.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { storeMatrix } from '../support/postgres.js';

const GATE: Flag = {
  key: 'gate',
  type: 'boolean',
  variants: { on: true, off: false },
  offVariant: 'off',
  environments: { production: { enabled: true, default: { variant: 'on' } } },
} as Flag;
const GUARDED: Flag = { ...structuredClone(GATE), key: 'guarded', prerequisites: [{ flag: 'gate', variant: 'on' }] } as Flag;

const withFlags = (flags: Flag[]): TenantState => ({ ...structuredClone(ALPHA), flags });
const without = (state: TenantState, ...keys: string[]): TenantState => ({ ...state, flags: state.flags.filter((f) => !keys.includes(f.key)) });

describe.each(storeMatrix())('safe delete on the $store store: usage and prerequisites in plans and applies', ({ store }) => {
  let s: TestServer;
  const START = withFlags([...structuredClone(ALPHA.flags), GATE, GUARDED]);

  beforeEach(async () => {
    s = await startTestServer({ tenants: [START], env: { FF_USAGE_FLUSH_MS: '600000', FF_DELETE_IN_USE_DAYS: '3' }, store });
    for (let i = 0; i < 4; i++) {
      await s.call('POST', '/v1/evaluate', { body: { flag_key: 'banner-text', environment: 'production', context: { targetingKey: `u${i}` } } });
    }
    await s.call('POST', '/v1/evaluate', { body: { flag_key: 'banner-text', environment: 'development', context: {} } });
    await s.app.ff.usage.flush();
  });
  afterEach(async () => s.close());

  const base = async () => (await s.call('GET', '/v1/state')).json.revision as number;

  it('POST /v1/plan marks an evaluated flag’s deletion with its counts and last evaluation; an unused one only with DELETION', async () => {
    const r = await s.call('POST', '/v1/plan', { body: { state: without(START, 'banner-text', 'max-items') } });
    expect(r.status).toBe(200);
    const byKey = Object.fromEntries(r.json.plan.changes.map((c: { key: string; risks: unknown[] }) => [c.key, c.risks]));
    const banner = byKey['banner-text'] as { code: string; evidence?: Record<string, unknown> }[];
    expect(banner.map((x) => x.code)).toEqual(['DELETION', 'IN_USE_EVALUATED']);
    expect(banner[1]!.evidence).toMatchObject({ days: 3, evaluations: 5, environments: { production: { evaluations: 4 }, development: { evaluations: 1 } } });
    expect(typeof banner[1]!.evidence!.last_evaluated_at).toBe('string');
    expect((byKey['max-items'] as { code: string }[]).map((x) => x.code)).toEqual(['DELETION']);
  });

  it('an apply deleting an evaluated flag is 409 DELETES_IN_USE with the evidence and writes nothing; allow_delete_in_use lets it through', async () => {
    const desired = without(START, 'banner-text');
    const before = await fingerprint(s);
    const refused = await postApply(s, desired, { base: await base(), allowDelete: true, commit: commit('drop banner') });
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe('DELETES_IN_USE');
    expect(refused.json.error.details).toEqual([
      expect.objectContaining({ code: 'IN_USE_EVALUATED', resource: 'flag', key: 'banner-text', evidence: expect.objectContaining({ evaluations: 5 }) }),
    ]);
    expect(await fingerprint(s)).toEqual(before);
    // Without allow_delete the older refusal comes first, as before.
    const noDelete = await postApply(s, desired, { base: await base(), commit: commit('drop banner') });
    expect(noDelete.json.error.code).toBe('DELETES_NOT_ALLOWED');
    // allow_delete_in_use alone is not enough either.
    const onlyInUse = await s.call('POST', '/v1/apply', {
      body: { state: { ...desired, tenant: undefined }, base_revision: await base(), allow_delete_in_use: true, commit: commit('drop banner') },
    });
    expect(onlyInUse.json.error.code).toBe('DELETES_NOT_ALLOWED');

    const allowed = await s.call('POST', '/v1/apply', {
      body: { state: { ...desired, tenant: undefined }, base_revision: await base(), allow_delete: true, allow_delete_in_use: true, commit: commit('drop banner') },
    });
    expect(allowed.status).toBe(200);
    expect(allowed.json.applied).toBe(true);
    // The applied plan still shows why it was risky.
    expect(allowed.json.plan.changes[0].risks.map((x: { code: string }) => x.code)).toContain('IN_USE_EVALUATED');
  });

  it('deleting a prerequisite of a flag the state keeps is in use; deleting both together is not', async () => {
    // guarded stops requiring gate in the same change, so the state stays valid.
    const { prerequisites: _p, ...free } = GUARDED;
    const desired = { ...without(START, 'gate', 'guarded'), flags: [...without(START, 'gate', 'guarded').flags, free as Flag] };
    const plan = await s.call('POST', '/v1/plan', { body: { state: desired } });
    const gate = plan.json.plan.changes.find((c: { key: string }) => c.key === 'gate');
    expect(gate.risks).toContainEqual({ code: 'IN_USE_PREREQUISITE', message: 'flag gate is a prerequisite of guarded', evidence: { dependents: ['guarded'] } });
    const refused = await postApply(s, desired, { base: await base(), allowDelete: true, commit: commit('drop gate') });
    expect(refused.status).toBe(409);
    expect(refused.json.error.details.map((d: { code: string; key: string }) => [d.code, d.key])).toEqual([['IN_USE_PREREQUISITE', 'gate']]);

    const both = await postApply(s, without(START, 'gate', 'guarded'), { base: await base(), allowDelete: true, commit: commit('drop both') });
    expect(both.status).toBe(200);
    expect(both.json.applied).toBe(true);
  });

  it('a dry run reports in-use deletions without refusing them', async () => {
    const r = await postApply(s, without(START, 'banner-text'), { dryRun: true });
    expect(r.status).toBe(200);
    expect(r.json.plan.changes[0].risks.map((x: { code: string }) => x.code)).toEqual(['DELETION', 'IN_USE_EVALUATED']);
  });

  it('POST /v1/plan refuses allow_delete_in_use as a write option', async () => {
    const r = await s.call('POST', '/v1/plan', { body: { state: without(START, 'banner-text'), allow_delete_in_use: true } });
    expect(r.status).toBe(422);
  });
});
