// Drift (server side): resources applied from Git are managed by
// Git; REST writes to them need ?force=true; forced and unmanaged REST changes
// are drift, shown in GET /v1/state and in the plan, and an apply clears it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Change, Plan } from '../../core/diff/index.js';
import type { Flag, TenantState } from '../../core/model/index.js';
import { asStored, commit, fingerprint, postApply, type TestCommit } from './helpers/apply.js';
import { ALPHA } from './helpers/fixtures.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { storeMatrix } from '../support/postgres.js';

const flagOf = (state: TenantState, key: string): Flag => {
  const found = state.flags.find((f) => f.key === key);
  if (!found) throw new Error(`no flag ${key}`);
  return found;
};

describe.each(storeMatrix())('$store: managed by Git, drift', ({ store }) => {
  let s: TestServer;
  const git: TenantState = structuredClone(ALPHA); // what the repository holds throughout
  let revision = 0;
  let applied: TestCommit;

  const state = async () => (await s.call('GET', '/v1/state')).json;
  const dryRun = async (o: { environments?: string[] } = {}) => {
    const r = await postApply(s, git, { base: revision, dryRun: true, ...o });
    expect(r.status).toBe(200);
    return r.json.plan as Plan;
  };
  const apply = async (message: string, o: { allowDelete?: boolean; environments?: string[] } = {}) => {
    const c = commit(message);
    const r = await postApply(s, git, { base: revision, commit: c, ...o });
    expect(r.status).toBe(200);
    revision = r.json.revision;
    return { c, body: r.json as { plan: Plan; applied: boolean; revision: number } };
  };
  /** PUT the flag with a new description as alice (If-Match: *). */
  const editFlag = (key: string, description: string, force: boolean) =>
    s.call('PUT', `/v1/flags/${key}${force ? '?force=true' : ''}`, {
      body: { ...flagOf(git, key), description },
      headers: { 'if-match': '*' },
    });

  /** GET /v1/stream as a page follows it: the text so far, read until it holds `marker`. */
  const openStream = async () => {
    const abort = new AbortController();
    const res = await fetch(`${s.url}/v1/stream`, { headers: { authorization: `Bearer ${s.adminToken}`, 'x-tenant-id': 'alpha' }, signal: abort.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    // The greeting first: from then on the stream is subscribed.
    while (!text.includes(': connected')) text += (await reader.read()).value ?? '';
    return {
      until: async (marker: string) => {
        while (!text.includes(marker)) {
          const { done, value } = await reader.read();
          if (done) break;
          text += value;
        }
        return text;
      },
      close: () => abort.abort(),
    };
  };

  beforeAll(async () => {
    s = await startTestServer({ store });
    const first = await apply('Initial flags');
    applied = first.c;
    expect(first.body.revision).toBe(1);
  });
  afterAll(async () => s.close());

  it('a REST write to a Git-managed resource is 409 MANAGED_BY_GIT naming the commit, and changes nothing', async () => {
    const before = await fingerprint(s);
    const put = await editFlag('banner-text', 'edited over REST', false);
    expect(put.status).toBe(409);
    expect(put.json.error.code).toBe('MANAGED_BY_GIT');
    expect(put.json.error.message).toContain(applied.sha.slice(0, 12));
    expect(put.json.error.details).toEqual([expect.objectContaining({ code: 'MANAGED_BY_GIT', commit: applied.sha })]);
    for (const [method, url] of [
      ['DELETE', '/v1/flags/banner-text'],
      ['DELETE', '/v1/segments/staff'],
      ['PUT', '/v1/environments/development'],
    ] as const) {
      const r = await s.call(method, url, method === 'PUT' ? { body: { key: 'development', name: 'Dev' }, headers: { 'if-match': '*' } } : {});
      expect(r.status, `${method} ${url}`).toBe(409);
      expect(r.json.error.code).toBe('MANAGED_BY_GIT');
    }
    expect(await fingerprint(s)).toEqual(before);
    expect((await state()).resources['flag:banner-text']).toEqual({ managed_by: 'git', git_commit: applied.sha });
  });

  it('a forced REST write goes through and is drift: who and when, in GET /v1/state and in the plan', async () => {
    const forced = await editFlag('banner-text', 'edited over REST', true);
    expect(forced.status).toBe(200);
    expect(forced.json.meta).toMatchObject({ managed_by: 'git', git_commit: applied.sha });
    revision++;
    const meta = (await state()).resources['flag:banner-text'];
    expect(meta).toEqual({ managed_by: 'git', git_commit: applied.sha, drift: { source: 'api', actor: 'alice', at: expect.any(String) } });
    expect(Number.isNaN(Date.parse(meta.drift.at))).toBe(false);
    // The audit row says the write overrode Git (break-glass), so the trail tells it from an ordinary REST write.
    const audit = await s.call('GET', '/v1/audit?key=banner-text&limit=1');
    expect(audit.json.items[0]).toMatchObject({ action: 'update', source: 'api', actor: 'alice', forced: true, reason: null });

    const plan = await dryRun();
    expect(plan.summary).toEqual({ create: 0, update: 1, delete: 0, drift: 1 });
    expect(plan.changes[0]).toMatchObject({
      action: 'update',
      resource: 'flag',
      key: 'banner-text',
      drift: meta.drift,
      fields: [{ path: 'description', op: 'change', before: 'edited over REST', after: 'Home page banner' }],
    });
  });

  it('a resource created over REST is unmanaged drift: the next full plan deletes it, naming who created it', async () => {
    const created = await s.call('POST', '/v1/flags', { body: { key: 'hotfix', type: 'boolean', variants: { on: true, off: false }, offVariant: 'off' } });
    expect(created.status).toBe(201);
    revision++;
    expect((await state()).resources['flag:hotfix']).toEqual({ managed_by: 'api', git_commit: null, drift: { source: 'api', actor: 'alice', at: expect.any(String) } });
    // Unmanaged: further REST writes need no force (and stay drift); ?force=true overrides nothing, so the row is not forced.
    const edited = await s.call('PUT', '/v1/flags/hotfix?force=true', {
      body: { key: 'hotfix', description: 'still here', type: 'boolean', variants: { on: true, off: false }, offVariant: 'off' },
      headers: { 'if-match': '*' },
    });
    expect(edited.status).toBe(200);
    revision++;
    const rows = (await s.call('GET', '/v1/audit?key=hotfix')).json.items;
    expect(rows.map((r: { action: string; forced: boolean }) => `${r.action} ${r.forced}`)).toEqual(['update false', 'create false']);
    const plan = await dryRun();
    const hotfix = plan.changes.find((c) => c.key === 'hotfix');
    expect(hotfix).toMatchObject({ action: 'delete', drift: { source: 'api', actor: 'alice' } });
    expect(plan.summary.drift).toBe(2);
  });

  it('the apply restores Git’s state, audits each change with the commit, marks it managed by that commit and clears the drift', async () => {
    const before = await dryRun();
    const { c, body } = await apply('Restore Git', { allowDelete: true });
    expect(body.applied).toBe(true);
    expect(body.plan.changes).toEqual(before.changes);
    const after = await state();
    expect(after.state).toEqual(asStored(git));
    expect(after.resources['flag:banner-text']).toEqual({ managed_by: 'git', git_commit: c.sha });
    expect(after.resources['flag:hotfix']).toBeUndefined();
    for (const meta of Object.values(after.resources)) expect(meta).not.toHaveProperty('drift');
    const audit = await s.call('GET', `/v1/audit?commit=${c.sha}`);
    expect(audit.json.items.map((i: { action: string; key: string; source: string }) => `${i.source} ${i.action} ${i.key}`).sort()).toEqual([
      'git delete hotfix',
      'git update banner-text',
    ]);
    expect((await dryRun()).changes).toEqual([]);
  });

  it('a forced archive is drift too: the plan re-creates the resource and the apply restores it', async () => {
    const archived = await s.call('DELETE', '/v1/flags/theme?force=true', { headers: { 'x-change-reason': encodeURIComponent('theme breaks checkout') } });
    expect(archived.status).toBe(200);
    expect((await s.call('GET', '/v1/audit?key=theme&limit=1')).json.items[0]).toMatchObject({ action: 'archive', forced: true, reason: 'theme breaks checkout' });
    expect(archived.json.meta.archived).toBe(true);
    revision++;
    const plan = await dryRun();
    expect(plan.changes.map((c: Change) => `${c.action} ${c.key}`)).toEqual(['create theme']);
    const { c } = await apply('Bring theme back');
    const audit = await s.call('GET', `/v1/audit?commit=${c.sha}`);
    expect(audit.json.items.map((i: { action: string; key: string; forced: boolean }) => `${i.action} ${i.key} ${i.forced}`)).toEqual(['restore theme false']);
    expect((await s.call('GET', '/v1/flags/theme')).json.meta).toMatchObject({ archived: false, managed_by: 'git', git_commit: c.sha });
    expect((await state()).resources['flag:theme']).toEqual({ managed_by: 'git', git_commit: c.sha });
  });

  it('drift changed back by hand: no change to plan, and the no-op apply still clears the drift (no revision, no audit row)', async () => {
    const original = flagOf(git, 'max-items');
    expect((await editFlag('max-items', 'temporary', true)).status).toBe(200);
    const back = await s.call('PUT', '/v1/flags/max-items?force=true', { body: original, headers: { 'if-match': '*' } });
    expect(back.status).toBe(200);
    revision += 2;
    expect((await state()).resources['flag:max-items'].drift).toMatchObject({ source: 'api', actor: 'alice' });
    expect((await dryRun()).changes).toEqual([]);
    // A page following the change stream hears of it, though no revision is made: `event: marks`, no id.
    const stream = await openStream();
    const before = await fingerprint(s);
    const { c, body } = await apply('Nothing to do');
    expect(body).toMatchObject({ applied: false, revision: before.revision });
    expect(await fingerprint(s)).toEqual(before);
    expect((await s.call('GET', `/v1/audit?commit=${c.sha}`)).json.items).toEqual([]);
    expect((await state()).resources['flag:max-items']).not.toHaveProperty('drift');
    const text = await stream.until('event: marks');
    expect(text).toContain(`event: marks\ndata: ${JSON.stringify({ tenant: 'alpha', revision: before.revision })}\n\n`);
    expect(text).not.toMatch(/^id:/m);
    stream.close();
  });

  it('an environment-scoped apply restores its environments but keeps the drift record (other environments may still differ)', async () => {
    const drifted = structuredClone(flagOf(git, 'new-checkout'));
    drifted.environments!.production!.enabled = false;
    drifted.environments!.development!.enabled = false;
    const forced = await s.call('PUT', '/v1/flags/new-checkout?force=true', { body: drifted, headers: { 'if-match': '*' } });
    expect(forced.status).toBe(200);
    revision++;
    const scoped = await dryRun({ environments: ['production'] });
    expect(scoped.changes).toEqual([
      expect.objectContaining({ key: 'new-checkout', drift: expect.objectContaining({ actor: 'alice' }), fields: [{ path: 'production.enabled', op: 'change', before: false, after: true }] }),
    ]);
    await apply('Production only', { environments: ['production'] });
    const after = await state();
    expect(flagOf(after.state, 'new-checkout').environments!.production!.enabled).toBe(true);
    expect(flagOf(after.state, 'new-checkout').environments!.development!.enabled).toBe(false);
    expect(after.resources['flag:new-checkout'].drift).toMatchObject({ actor: 'alice' });
    // The full apply restores the rest and clears it.
    const full = await dryRun();
    expect(full.changes.map((c) => c.fields.map((f) => f.path))).toEqual([['development.enabled']]);
    await apply('Everything');
    expect((await state()).resources['flag:new-checkout']).not.toHaveProperty('drift');
  });

  it('seed and REST writes on a tenant never applied from Git: managed by the API, REST changes recorded as drift', async () => {
    const bravo = await s.token({ tenants: ['bravo'], sub: 'bob' });
    const env = await s.call('POST', '/v1/environments', { token: bravo, tenant: 'bravo', body: { key: 'production' } });
    expect(env.status).toBe(201);
    const r = await s.call('GET', '/v1/state', { token: bravo, tenant: 'bravo' });
    expect(r.json.resources).toEqual({ 'environment:production': { managed_by: 'api', git_commit: null, drift: { source: 'api', actor: 'bob', at: expect.any(String) } } });
  });
});
