// Server side of apply: POST /v1/apply and GET /v1/state
// against a real server on a random port with a real SQLite file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentHash, type Change, type Plan } from '../../core/diff/index.js';
import type { Flag, TenantState } from '../../core/model/index.js';
import { asStored, commit, failInsertOfFlag, fingerprint, postApply } from './helpers/apply.js';
import { ALPHA } from './helpers/fixtures.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { storeMatrix } from '../support/postgres.js';

interface AuditItem {
  source: string;
  actor: string;
  resource: string;
  key: string;
  action: string;
  before: unknown;
  after: unknown;
  revision: number;
  commit: Record<string, unknown> | null;
}

const flagOf = (state: TenantState, key: string): Flag => {
  const found = state.flags.find((f) => f.key === key);
  if (!found) throw new Error(`no flag ${key}`);
  return found;
};

/** The audit rows of one commit, oldest first (the API lists newest first). */
async function auditOf(s: TestServer, sha: string): Promise<AuditItem[]> {
  const r = await s.call('GET', `/v1/audit?commit=${sha}&limit=200`);
  expect(r.status).toBe(200);
  return (r.json.items as AuditItem[]).reverse();
}

/** A plan change as the audit records it: the plan's create of an archived key is a restore. */
const asAudited = (c: Change) => ({ resource: c.resource, key: c.key, before: c.before ?? null, after: c.after ?? null });

describe.each(storeMatrix())('$store: POST /v1/apply and GET /v1/state', ({ store }) => {
  let s: TestServer;
  let state: TenantState; // what "Git" holds now
  let revision = 0;

  beforeAll(async () => {
    s = await startTestServer({ store });
    state = structuredClone(ALPHA);
  });
  afterAll(async () => s.close());

  it('GET /v1/state of a tenant the token covers but the server does not know: revision 0, empty state', async () => {
    const r = await s.call('GET', '/v1/state');
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ tenant: 'alpha', revision: 0, state: { tenant: 'alpha', environments: [], flags: [], segments: [] }, resources: {} });
  });

  it('a dry run of a fresh tenant plans every resource as a create and writes nothing', async () => {
    const before = await fingerprint(s);
    const r = await postApply(s, state, { base: 0, dryRun: true });
    expect(r.status).toBe(200);
    expect(r.json.applied).toBe(false);
    expect(r.json.revision).toBe(0);
    expect(r.json.previous_revision).toBe(0);
    const plan = r.json.plan as Plan;
    expect(plan).toMatchObject({ format_version: 1, tenant: 'alpha', scope: { environments: null }, base_revision: 0 });
    expect(plan.summary).toEqual({ create: 7, update: 0, delete: 0, drift: 0 });
    expect(plan.changes.map((c) => `${c.action} ${c.resource}:${c.key}`)).toEqual([
      'create environment:development',
      'create environment:production',
      'create segment:staff',
      'create flag:banner-text',
      'create flag:max-items',
      'create flag:new-checkout',
      'create flag:theme',
    ]);
    expect(await fingerprint(s)).toEqual(before);
    expect(await s.app.ff.stores.tenants.get('alpha')).toBeUndefined();
  });

  it('the first apply creates the tenant and performs exactly the dry run’s plan, one git audit row per change with the commit', async () => {
    const dry = await postApply(s, state, { base: 0, dryRun: true });
    const c = commit('Add the alpha flags');
    const r = await postApply(s, state, { base: 0, commit: c });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ applied: true, revision: 1, previous_revision: 0 });
    expect(r.json.plan.changes).toEqual(dry.json.plan.changes);
    expect(r.json.plan.commit).toEqual(c);
    revision = 1;

    const audit = await auditOf(s, c.sha);
    expect(audit.map((a) => ({ resource: a.resource, key: a.key, before: a.before, after: a.after }))).toEqual(
      (dry.json.plan.changes as Change[]).map(asAudited),
    );
    expect(audit.map((a) => a.action)).toEqual((dry.json.plan.changes as Change[]).map((ch) => ch.action));
    for (const row of audit) {
      expect(row).toMatchObject({ source: 'git', actor: 'alice', revision: 1 });
      expect(row.commit).toEqual(c);
    }

    const got = await s.call('GET', '/v1/state');
    expect(got.json.revision).toBe(1);
    expect(got.json.state.name).toBe('Alpha Inc');
    expect(got.json.state).toEqual(asStored(state));
    expect(Object.keys(got.json.resources).sort()).toEqual(
      (dry.json.plan.changes as Change[]).map((ch) => `${ch.resource}:${ch.key}`).sort(),
    );
    for (const meta of Object.values(got.json.resources)) expect(meta).toEqual({ managed_by: 'git', git_commit: c.sha });
  });

  it('the new revision is what evaluation serves right after the response', async () => {
    const r = await s.call('POST', '/v1/evaluate', { body: { flag_key: 'banner-text', environment: 'production', context: { targetingKey: 'u1' } } });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ value: 'Sale now on', revision: revision });
  });

  it('the same state twice: no changes, applied false, no new revision, no audit rows', async () => {
    const before = await fingerprint(s);
    const again = commit('An unrelated commit');
    const r = await postApply(s, state, { base: revision, commit: again });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ applied: false, revision, previous_revision: revision });
    expect(r.json.plan.changes).toEqual([]);
    expect(r.json.plan.summary).toEqual({ create: 0, update: 0, delete: 0, drift: 0 });
    expect(await fingerprint(s)).toEqual(before);
    expect(await auditOf(s, again.sha)).toEqual([]);
  });

  it('an edit is planned field by field with its risks, and the apply audits exactly that change with the commit', async () => {
    const next = structuredClone(state);
    const checkout = flagOf(next, 'new-checkout');
    checkout.environments!.production!.default = { rollout: { on: 25, off: 75 } };
    checkout.environments!.production!.rules!.push({ id: 'beta', conditions: [{ attribute: 'plan', operator: 'equals', value: 'beta' }], serve: { variant: 'on' } });
    flagOf(next, 'banner-text').description = 'Home page banner (sale)';

    const dry = await postApply(s, next, { base: revision, dryRun: true });
    expect(dry.status).toBe(200);
    const plan = dry.json.plan as Plan;
    expect(plan.summary).toEqual({ create: 0, update: 2, delete: 0, drift: 0 });
    const checkoutChange = plan.changes.find((c) => c.key === 'new-checkout');
    expect(checkoutChange?.fields).toEqual(
      expect.arrayContaining([
        { path: 'production.default.rollout.on', op: 'change', before: 50, after: 25 },
        { path: 'production.default.rollout.off', op: 'change', before: 50, after: 75 },
        expect.objectContaining({ path: 'production.rules[1]', op: 'add' }),
      ]),
    );
    expect(checkoutChange?.risks.map((r) => r.code)).toEqual(['ROLLOUT_DECREASED']);

    const c = commit('Ramp the checkout down to 25%');
    const r = await postApply(s, next, { base: revision, commit: c });
    expect(r.json).toMatchObject({ applied: true, revision: revision + 1, previous_revision: revision });
    expect(r.json.plan.changes).toEqual(plan.changes);
    revision++;
    const audit = await auditOf(s, c.sha);
    expect(audit.map((a) => `${a.action} ${a.resource}:${a.key}`)).toEqual(['update flag:banner-text', 'update flag:new-checkout']);
    expect(audit.map((a) => ({ resource: a.resource, key: a.key, before: a.before, after: a.after }))).toEqual(plan.changes.map(asAudited));
    expect(audit[1]?.commit).toMatchObject({ sha: c.sha, message: c.message, author: c.author, branch: 'main', remote_url: c.remote_url });
    state = next;
  });

  it('GET /v1/audit?commit= takes a prefix (≥ 4) and finds only that commit’s rows; other rows carry no commit', async () => {
    const c = commit('Describe max-items');
    const next = structuredClone(state);
    flagOf(next, 'max-items').description = 'Cart size limit';
    expect((await postApply(s, next, { base: revision, commit: c })).json.applied).toBe(true);
    revision++;
    state = next;
    const byPrefix = await s.call('GET', `/v1/audit?commit=${c.sha.slice(0, 7)}`);
    expect(byPrefix.json.items.map((i: AuditItem) => i.key)).toEqual(['max-items']);
    expect((await s.call('GET', `/v1/audit?commit=${c.sha.toUpperCase()}`)).json.items).toHaveLength(1);
    expect((await s.call('GET', '/v1/audit?commit=ffffffff')).json.items).toEqual([]);
    expect((await s.call('GET', '/v1/audit?commit=abc')).status).toBe(400);
    const gitRows = await s.call('GET', '/v1/audit?source=git&limit=200');
    expect(gitRows.json.items.every((i: AuditItem) => i.commit !== null && typeof i.commit.sha === 'string')).toBe(true);
  });

  it('a stale base revision is 409 STALE_PLAN with the current revision and what landed since (who, when, source, commit, keys)', async () => {
    const base = revision;
    const first = structuredClone(state);
    flagOf(first, 'theme').description = 'first plan';
    const second = structuredClone(state);
    flagOf(second, 'banner-text').description = 'second plan';
    // Two plans from the same base…
    expect((await postApply(s, first, { base, dryRun: true })).status).toBe(200);
    expect((await postApply(s, second, { base, dryRun: true })).status).toBe(200);
    // …applied in turn: the first lands, the second is stale.
    const c1 = commit('first');
    expect((await postApply(s, first, { base, commit: c1 })).json.revision).toBe(base + 1);
    revision++;
    state = first;
    const before = await fingerprint(s);
    const r = await postApply(s, second, { base, commit: commit('second') });
    expect(r.status).toBe(409);
    expect(r.json.error.code).toBe('STALE_PLAN');
    const detail = r.json.error.details[0];
    expect(detail).toMatchObject({ code: 'STALE_PLAN', current_revision: base + 1, base_revision: base, since_truncated: false });
    expect(detail.since).toEqual([
      { revision: base + 1, ts: expect.any(String), actor: 'alice', source: 'git', commit_sha: c1.sha, changed: ['flag:theme'] },
    ]);
    expect(await fingerprint(s)).toEqual(before);
    // A dry run against a stale base is refused too, so `ff plan --out` never saves a stale plan.
    expect((await postApply(s, second, { base, dryRun: true })).status).toBe(409);
    // A dry run without a base plans against the current revision.
    const fresh = await postApply(s, second, { dryRun: true });
    expect(fresh.status).toBe(200);
    expect(fresh.json.plan.base_revision).toBe(revision);
  });

  it('deletes are refused unless allowed (the dry run still shows them, flagged as a risk); nothing changes when refused', async () => {
    const next = structuredClone(state);
    next.flags = next.flags.filter((f) => f.key !== 'max-items');
    const dry = await postApply(s, next, { base: revision, dryRun: true });
    expect(dry.status).toBe(200);
    const deletion = (dry.json.plan as Plan).changes.find((c) => c.action === 'delete');
    expect(deletion).toMatchObject({ resource: 'flag', key: 'max-items', before: flagOf(state, 'max-items') });
    expect(deletion?.risks.map((r) => r.code)).toEqual(['DELETION']);

    const before = await fingerprint(s);
    const refused = await postApply(s, next, { base: revision, commit: commit('Remove max-items') });
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe('DELETES_NOT_ALLOWED');
    expect(refused.json.error.details).toEqual([expect.objectContaining({ resource: 'flag', key: 'max-items' })]);
    expect(await fingerprint(s)).toEqual(before);

    const c = commit('Remove max-items, allowed');
    const allowed = await postApply(s, next, { base: revision, commit: c, allowDelete: true });
    expect(allowed.json).toMatchObject({ applied: true, revision: revision + 1 });
    expect(allowed.json.plan.changes).toEqual(dry.json.plan.changes);
    revision++;
    state = next;
    expect((await auditOf(s, c.sha)).map((a) => `${a.action} ${a.key} ${JSON.stringify(a.after)}`)).toEqual(['delete max-items null']);
    expect((await s.call('GET', '/v1/flags/max-items')).status).toBe(404);
  });

  it('an invalid resulting state is 422 INVALID_STATE with located diagnostics, and changes nothing', async () => {
    const next = structuredClone(state);
    flagOf(next, 'new-checkout').environments!.production!.rules![0]!.conditions = [{ segment: 'no-such-segment' }];
    const before = await fingerprint(s);
    const r = await postApply(s, next, { base: revision, commit: commit('broken') });
    expect(r.status).toBe(422);
    expect(r.json.error.code).toBe('INVALID_STATE');
    expect(r.json.error.details).toEqual([
      expect.objectContaining({ resource: 'flag', key: 'new-checkout', path: '/environments/production/rules/0/conditions/0/segment' }),
    ]);
    expect(await fingerprint(s)).toEqual(before);
  });

  it('the request is checked against schemas/apply-request.schema.json: commit and base required for a real apply, no extra properties', async () => {
    const noCommit = await postApply(s, state, { base: revision });
    expect(noCommit.status).toBe(422);
    expect(noCommit.json.error.code).toBe('SCHEMA_VALIDATION_FAILED');
    const noBase = await postApply(s, state, { commit: commit('no base') });
    expect(noBase.status).toBe(422);
    const badSha = await s.call('POST', '/v1/apply', { body: { state: { environments: [], flags: [], segments: [] }, base_revision: revision, commit: { sha: 'not-a-sha' } } });
    expect(badSha.status).toBe(422);
    expect(badSha.json.error.details.some((d: { path: string }) => d.path === '/commit/sha')).toBe(true);
    const extra = await s.call('POST', '/v1/apply', { body: { state: { environments: [], flags: [], segments: [] }, dry_run: true, force: true } });
    expect(extra.status).toBe(422);
    const badFlag = await s.call('POST', '/v1/apply', { body: { state: { environments: [], flags: [{ key: 'x', type: 'banana' }], segments: [] }, dry_run: true } });
    expect(badFlag.status).toBe(422);
    expect(badFlag.json.error.details.some((d: { path: string }) => d.path.startsWith('/state/flags/0'))).toBe(true);
  });

  it('a state naming another tenant than X-Tenant-ID is refused', async () => {
    const r = await s.call('POST', '/v1/apply', { body: { state: { ...structuredClone(state), tenant: 'bravo' }, dry_run: true } });
    expect(r.status).toBe(422);
    expect(r.json.error).toMatchObject({ code: 'INVALID_STATE', details: [expect.objectContaining({ code: 'TENANT_MISMATCH', path: '/state/tenant' })] });
    const same = await s.call('POST', '/v1/apply', { body: { state: { ...structuredClone(state), tenant: 'alpha' }, dry_run: true } });
    expect(same.status).toBe(200);
  });

  it('all or nothing: a database failure in the middle of an apply rolls back every write (state hash, revision, audit unchanged)', async () => {
    const next = structuredClone(state);
    next.environments.push({ key: 'staging' });
    next.segments.push({ key: 'beta-testers', include: ['u1'] });
    flagOf(next, 'banner-text').description = 'written before the failure';
    next.flags.push({ key: 'boom', type: 'boolean', variants: { on: true, off: false }, offVariant: 'off' });
    // The plan writes staging, beta-testers and banner-text before it reaches boom.
    const dry = await postApply(s, next, { base: revision, dryRun: true });
    expect(dry.json.plan.changes.map((c: Change) => c.key)).toEqual(['staging', 'beta-testers', 'banner-text', 'boom']);

    const undo = await failInsertOfFlag(s, 'boom');
    try {
      const before = await fingerprint(s);
      const r = await postApply(s, next, { base: revision, commit: commit('fails half way') });
      expect(r.status).toBe(500);
      expect(r.json.error).toEqual({ code: 'INTERNAL', message: 'internal error', details: [] });
      expect(await fingerprint(s)).toEqual(before);
      expect(await s.app.ff.stores.environments.get('alpha', 'staging')).toBeUndefined();
      const evaluated = await s.call('POST', '/v1/evaluate', { body: { flag_key: 'banner-text', environment: 'production', context: { targetingKey: 'u1' } } });
      expect(evaluated.json.revision).toBe(revision);
    } finally {
      await undo();
    }
    // Without the fault the same apply goes through.
    const ok = await postApply(s, next, { base: revision, commit: commit('same, no fault') });
    expect(ok.json).toMatchObject({ applied: true, revision: revision + 1 });
    expect(ok.json.plan.changes).toEqual(dry.json.plan.changes);
    revision++;
    state = next;
  });

  describe('environment-scoped applies', () => {
    it('change only the named environments of each flag; segments, environments and other environments stay', async () => {
      const next = structuredClone(state);
      const checkout = flagOf(next, 'new-checkout');
      checkout.environments!.production!.default = { rollout: { on: 40, off: 60 } };
      checkout.environments!.development!.enabled = false;
      next.segments[0]!.description = 'Staff, scoped apply must not touch this';
      next.flags.push({
        key: 'scoped-new',
        type: 'boolean',
        variants: { on: true, off: false },
        offVariant: 'off',
        environments: { production: { enabled: true }, development: { enabled: true } },
      });
      const before = (await s.call('GET', '/v1/state')).json.state as TenantState;

      const dry = await postApply(s, next, { base: revision, dryRun: true, environments: ['production'] });
      expect(dry.status).toBe(200);
      const plan = dry.json.plan as Plan;
      expect(plan.scope).toEqual({ environments: ['production'] });
      expect(plan.changes.map((c) => `${c.action} ${c.resource}:${c.key}`)).toEqual(['update flag:new-checkout', 'create flag:scoped-new']);
      expect(plan.changes[0]?.fields.map((f) => f.path)).toEqual(['production.default.rollout.on', 'production.default.rollout.off']);

      const c = commit('Ramp production only');
      const r = await postApply(s, next, { base: revision, commit: c, environments: ['production'] });
      expect(r.json).toMatchObject({ applied: true, revision: revision + 1 });
      expect(r.json.plan.changes).toEqual(plan.changes);
      revision++;

      const after = (await s.call('GET', '/v1/state')).json.state as TenantState;
      expect(after.segments).toEqual(before.segments);
      expect(flagOf(after, 'new-checkout').environments!.development).toEqual(flagOf(before, 'new-checkout').environments!.development);
      expect(flagOf(after, 'new-checkout').environments!.production!.default).toEqual({ rollout: { on: 40, off: 60 } });
      expect(flagOf(after, 'scoped-new').environments).toEqual({ production: { enabled: true } });
      const audit = await auditOf(s, c.sha);
      expect(audit.map((a) => `${a.action} ${a.key}`)).toEqual(['update new-checkout', 'create scoped-new']);
      state = after;
    });

    it('a scoped apply never deletes, and names only environments the tenant has', async () => {
      const next = structuredClone(state);
      next.flags = next.flags.filter((f) => f.key !== 'scoped-new');
      const dry = await postApply(s, next, { base: revision, dryRun: true, environments: ['production'] });
      expect(dry.json.plan.changes).toEqual([]);
      const unknown = await postApply(s, next, { base: revision, dryRun: true, environments: ['qa'] });
      expect(unknown.status).toBe(422);
      expect(unknown.json.error).toMatchObject({ code: 'INVALID_STATE', details: [expect.objectContaining({ code: 'UNKNOWN_ENVIRONMENT', path: '/environments/0' })] });
    });
  });

  it('GET /v1/state hashes to what was applied (the export → apply → plan round trip sees no change)', async () => {
    const got = await s.call('GET', '/v1/state');
    expect(contentHash(got.json.state)).toBe(contentHash(asStored(state)));
    const { tenant: _t, ...exported } = got.json.state as TenantState;
    const r = await s.call('POST', '/v1/apply', { body: { state: exported, base_revision: got.json.revision, commit: commit('export round trip') } });
    expect(r.json).toMatchObject({ applied: false, revision: got.json.revision });
    expect(r.json.plan.changes).toEqual([]);
  });

  it('a fresh tenant’s first apply through another token, and its state stays invisible to alpha', async () => {
    const gamma = await s.token({ tenants: ['gamma'], sub: 'ci-bot' });
    const g: TenantState = { tenant: 'gamma', environments: [{ key: 'production' }], segments: [], flags: [] };
    const empty = await s.call('GET', '/v1/state', { token: gamma, tenant: 'gamma' });
    expect(empty.json.revision).toBe(0);
    const r = await postApply(s, g, { base: 0, commit: commit('gamma'), token: gamma, tenant: 'gamma' });
    expect(r.json).toMatchObject({ applied: true, revision: 1, previous_revision: 0 });
    expect((await s.call('GET', '/v1/state', { token: gamma, tenant: 'gamma' })).json.revision).toBe(1);
    expect((await s.call('GET', '/v1/state', { tenant: 'gamma' })).status).toBe(403);
  });
});
