// POST /v1/plan and the reviewed-plan guarantee of POST /v1/apply: a plan is
// computed against the current revision and identified by its plan_hash; an
// apply carrying (base_revision, expected_plan_hash) writes exactly that plan
// or nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planHash, type Plan } from '../../core/diff/index.js';
import type { TenantState } from '../../core/model/index.js';
import { mintToken } from '../../server/auth/dev-token.js';
import { commit, desiredOf, fingerprint } from './helpers/apply.js';
import { ALPHA } from './helpers/fixtures.js';
import { storeMatrix } from '../support/postgres.js';
import { startTestServer, TEST_SECRET, type TestServer } from './helpers/server.js';

describe.each(storeMatrix())('$store store', ({ store }) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ store });
  });
  afterAll(async () => s.close());

  const plan = (state: TenantState, token?: string) =>
    s.call('POST', '/v1/plan', { body: { state: desiredOf(state) }, ...(token === undefined ? {} : { token }) });
  const apply = (state: TenantState, base: number, hash: string | undefined, allowDelete = false) =>
    s.call('POST', '/v1/apply', {
      body: { state: desiredOf(state), base_revision: base, ...(hash === undefined ? {} : { expected_plan_hash: hash }), commit: commit('apply'), allow_delete: allowDelete },
    });

  const withDefault = (state: TenantState, variant: string): TenantState => {
    const next = structuredClone(state);
    const flag = next.flags.find((f) => f.key === 'new-checkout');
    if (!flag?.environments?.production) throw new Error('fixture changed: alpha has no new-checkout flag in production');
    flag.environments.production.default = { variant };
    return next;
  };

  describe('POST /v1/plan', () => {
    it('plans against the current revision, names it, hashes the changes, and writes nothing', async () => {
      const before = await fingerprint(s);
      const r = await plan(ALPHA);
      expect(r.status).toBe(200);
      const p = r.json.plan as Plan;
      expect(p.base_revision).toBe(0);
      expect(p.plan_hash).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(p.plan_hash).toBe(planHash(p));
      expect(p.summary.create).toBeGreaterThan(0);
      expect(await fingerprint(s)).toEqual(before);
    });

    it('is allowed with the plan scope alone, which cannot apply', async () => {
      const planner = await mintToken({ secret: TEST_SECRET, sub: 'pr-job', tenants: ['alpha'], scopes: ['plan'] });
      expect((await plan(ALPHA, planner)).status).toBe(200);
      expect((await s.call('GET', '/v1/state', { token: planner })).status).toBe(200);
      const write = await s.call('POST', '/v1/apply', { token: planner, body: { state: desiredOf(ALPHA), base_revision: 0, commit: commit('x') } });
      expect(write.status).toBe(403);
      const dryRun = await s.call('POST', '/v1/apply', { token: planner, body: { state: desiredOf(ALPHA), dry_run: true } });
      expect(dryRun.status).toBe(403);
      expect((await fingerprint(s)).revision).toBe(0);
    });

    it('refuses write options: a plan request can only plan', async () => {
      for (const extra of [{ dry_run: false }, { allow_delete: true }, { expected_plan_hash: `sha256:${'0'.repeat(64)}` }]) {
        const r = await s.call('POST', '/v1/plan', { body: { state: desiredOf(ALPHA), ...extra } });
        expect(r.status, JSON.stringify(extra)).toBe(422);
        expect(r.json.error.code).toBe('SCHEMA_VALIDATION_FAILED');
      }
    });

    it('plans deletions instead of refusing them', async () => {
      const reviewed = (await plan(ALPHA)).json.plan as Plan;
      expect((await apply(ALPHA, 0, reviewed.plan_hash)).status).toBe(200);
      const fewer = { ...structuredClone(ALPHA), flags: ALPHA.flags.slice(1) };
      const r = await plan(fewer);
      expect(r.status).toBe(200);
      expect((r.json.plan as Plan).summary.delete).toBe(1);
    });
  });

  describe('POST /v1/apply with expected_plan_hash', () => {
    it('applies the reviewed plan when the server still computes it', async () => {
      const desired = withDefault(ALPHA, 'on');
      const reviewed = (await plan(desired)).json.plan as Plan;
      const r = await apply(desired, reviewed.base_revision, reviewed.plan_hash);
      expect(r.status).toBe(200);
      expect(r.json.applied).toBe(true);
      expect(r.json.plan.plan_hash).toBe(reviewed.plan_hash);
    });

    it('refuses, changing nothing, when the state sent no longer plans the reviewed changes', async () => {
      const current = (await s.call('GET', '/v1/state')).json;
      const reviewed = (await plan(withDefault(ALPHA, 'off'))).json.plan as Plan;
      const before = await fingerprint(s);
      // Reviewed: new-checkout defaults to off. Sent: new-checkout defaults to on (what the server already holds).
      const r = await apply(withDefault(ALPHA, 'on'), reviewed.base_revision, reviewed.plan_hash);
      expect(r.status).toBe(409);
      expect(r.json.error.code).toBe('STALE_PLAN');
      expect(r.json.error.details[0]).toMatchObject({
        code: 'PLAN_CHANGED',
        expected_plan_hash: reviewed.plan_hash,
        base_revision: current.revision,
        current_revision: current.revision,
      });
      expect(await fingerprint(s)).toEqual(before);
    });

    it('refuses a reviewed plan after the server moved (another apply landed)', async () => {
      const mine = (await plan(withDefault(ALPHA, 'off'))).json.plan as Plan;
      const theirs = (await plan(withDefault(ALPHA, 'off'))).json.plan as Plan;
      expect((await apply(withDefault(ALPHA, 'off'), theirs.base_revision, theirs.plan_hash)).status).toBe(200);
      const before = await fingerprint(s);
      const r = await apply(withDefault(ALPHA, 'off'), mine.base_revision, mine.plan_hash);
      expect(r.status).toBe(409);
      expect(r.json.error.details[0]).toMatchObject({ code: 'STALE_PLAN', base_revision: mine.base_revision, current_revision: mine.base_revision + 1 });
      expect(await fingerprint(s)).toEqual(before);
    });
  });
});
