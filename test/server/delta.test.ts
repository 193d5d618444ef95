// The delta form of POST /v1/plan and /v1/apply against GET /v1/state/manifest:
// the server plans exactly what the whole state the delta stands for plans,
// and refuses a delta that cannot have one meaning.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST_BUCKETS, contentHash, manifestBucket, manifestBucketsOf } from '../../core/diff/index.js';
import type { Flag, TenantState } from '../../core/model/index.js';
import { commit, desiredOf } from './helpers/apply.js';
import { ALPHA } from './helpers/fixtures.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { storeMatrix } from '../support/postgres.js';

describe.each(storeMatrix())('$store: deltas against the manifest', ({ store }) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ tenants: [ALPHA], store });
  });
  afterAll(async () => s.close());

  const manifest = async () => (await s.call('GET', '/v1/state/manifest')).json as { revision: number; flags: Record<string, string>; segments: Record<string, string> };

  it('the manifest holds the revision and each active document’s content hash', async () => {
    const m = await manifest();
    const state = (await s.call('GET', '/v1/state')).json as { revision: number; state: TenantState };
    expect(m.revision).toBe(state.revision);
    expect(m.flags).toEqual(Object.fromEntries(state.state.flags.map((f) => [f.key, contentHash(f)])));
    expect(m.segments).toEqual(Object.fromEntries(state.state.segments.map((x) => [x.key, contentHash(x)])));
  });

  it('plans exactly what the whole state it stands for plans (same changes, same plan_hash)', async () => {
    const [first, ...rest] = ALPHA.flags as [Flag, ...Flag[]];
    const changed: Flag = { ...first, description: 'changed through a delta' };
    const added: Flag = { ...first, key: 'added-by-delta' };
    const whole: TenantState = { ...ALPHA, flags: [changed, ...rest.slice(1), added] };
    const dropped = rest[0] as Flag;
    const m = await manifest();
    const byState = await s.call('POST', '/v1/plan', { body: { state: desiredOf(whole) } });
    const byDelta = await s.call('POST', '/v1/plan', {
      body: {
        delta: { name: ALPHA.name, environments: ALPHA.environments, upsert: { flags: [changed, added], segments: [] }, delete: { flags: [dropped.key], segments: [] } },
        base_revision: m.revision,
      },
    });
    expect(byState.status).toBe(200);
    expect(byDelta.status).toBe(200);
    expect(byDelta.json.plan.plan_hash).toBe(byState.json.plan.plan_hash);
    expect(byDelta.json.plan.changes).toEqual(byState.json.plan.changes);
    expect(byDelta.json.plan.summary).toEqual({ create: 1, update: 1, delete: 1, drift: 0 });
  });

  it('refuses a delta without base_revision, with state too, or naming a key twice — and writes nothing', async () => {
    const before = await manifest();
    const delta = { environments: ALPHA.environments, upsert: { flags: [], segments: [] }, delete: { flags: [], segments: [] } };
    const noBase = await s.call('POST', '/v1/plan', { body: { delta } });
    expect(noBase.status).toBe(422);
    expect(noBase.json.error.details[0].code).toBe('BASE_REVISION_REQUIRED');
    const both = await s.call('POST', '/v1/plan', { body: { delta, state: desiredOf(ALPHA), base_revision: before.revision } });
    expect(both.status).toBe(422);
    expect(both.json.error.details[0].code).toBe('STATE_OR_DELTA');
    const flag = ALPHA.flags[0] as Flag;
    const twice = await s.call('POST', '/v1/apply', {
      body: { delta: { ...delta, upsert: { flags: [flag], segments: [] }, delete: { flags: [flag.key], segments: [] } }, base_revision: before.revision, commit: commit('twice'), allow_delete: true },
    });
    expect(twice.status).toBe(422);
    expect(twice.json.error.details[0].code).toBe('DELTA_DUPLICATE_KEY');
    expect(await manifest()).toEqual(before);
  });

  it('refuses a delta against a revision that is no longer current (409 STALE_PLAN)', async () => {
    const m = await manifest();
    const delta = { environments: ALPHA.environments, upsert: { flags: [], segments: [] }, delete: { flags: [], segments: [] } };
    const stale = await s.call('POST', '/v1/apply', { body: { delta, base_revision: m.revision - 1, commit: commit('stale') } });
    expect(stale.status).toBe(409);
    expect(stale.json.error.code).toBe('STALE_PLAN');
  });

  const digestsOf = (state: TenantState): string[] => manifestBucketsOf(state).digestList();
  const serverState = async () => (await s.call('GET', '/v1/state')).json.state as TenantState;
  /** The whole manifest's entries of one kind that fall in these buckets. */
  const inBuckets = (hashes: Record<string, string>, kind: 'flag' | 'segment', buckets: number[]) =>
    Object.fromEntries(Object.entries(hashes).filter(([key]) => buckets.includes(manifestBucket(kind, key))));

  it('POST /v1/state/manifest lists nothing when every bucket digest matches', async () => {
    const whole = await manifest();
    const r = await s.call('POST', '/v1/state/manifest', { body: { buckets: digestsOf(await serverState()) } });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ tenant: ALPHA.tenant, revision: whole.revision, environments: {}, flags: {}, segments: {}, experiments: {}, buckets: [] });
  });

  it('POST /v1/state/manifest lists exactly the documents of the buckets that differ, as the whole manifest has them', async () => {
    const current = await serverState();
    const [first, ...rest] = current.flags as [Flag, ...Flag[]];
    const dropped = rest[0] as Flag;
    const desired: TenantState = { ...current, flags: [{ ...first, description: 'edited locally' }, ...rest.slice(1), { ...first, key: 'only-in-the-files' }] };
    const expected = [...new Set([first.key, dropped.key, 'only-in-the-files'].map((k) => manifestBucket('flag', k)))].sort((a, b) => a - b);
    const whole = await manifest();
    const r = await s.call('POST', '/v1/state/manifest', { body: { buckets: digestsOf(desired) } });
    expect(r.status).toBe(200);
    expect(r.json.buckets).toEqual(expected);
    expect(r.json.flags).toEqual(inBuckets(whole.flags, 'flag', expected));
    expect(r.json.flags[dropped.key]).toBe(whole.flags[dropped.key]);
    expect(r.json.segments).toEqual(inBuckets(whole.segments, 'segment', expected));
  });

  it('POST /v1/state/manifest follows writes: a digest sent before a write names the bucket the write changed', async () => {
    const before = await serverState();
    const digests = digestsOf(before);
    const flag = before.flags[1] as Flag;
    const put = await s.call('PUT', `/v1/flags/${flag.key}?force=true`, { body: { ...flag, description: 'changed on the server' }, headers: { 'if-match': '*' } });
    expect(put.status).toBe(200);
    const whole = await manifest();
    const r = await s.call('POST', '/v1/state/manifest', { body: { buckets: digests } });
    expect(r.json.revision).toBe(whole.revision);
    expect(r.json.buckets).toEqual([manifestBucket('flag', flag.key)]);
    expect(r.json.flags[flag.key]).toBe(whole.flags[flag.key]);
    expect(r.json.flags[flag.key]).not.toBe(contentHash(flag));
  });

  it('POST /v1/state/manifest refuses a body that is not one digest per bucket (422 SCHEMA_VALIDATION_FAILED)', async () => {
    const good = new Array<string>(MANIFEST_BUCKETS).fill('a'.repeat(64));
    const bodies = [{}, { buckets: good.slice(1) }, { buckets: [...good, good[0]] }, { buckets: [...good.slice(1), 'A'.repeat(64)] }, { buckets: [...good.slice(1), 'a'.repeat(63)] }, { buckets: good, extra: 1 }];
    for (const body of bodies) {
      const r = await s.call('POST', '/v1/state/manifest', { body });
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(422);
      expect(r.json.error).toMatchObject({ code: 'SCHEMA_VALIDATION_FAILED', message: expect.any(String), details: [expect.objectContaining({ code: expect.stringMatching(/^schema\./) })] });
    }
  });
});
