import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALPHA } from './helpers/fixtures.js';
import { storeMatrix } from '../support/postgres.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const flag = (key: string, extra: Record<string, unknown> = {}) => ({
  key,
  type: 'boolean',
  variants: { on: true, off: false },
  offVariant: 'off',
  ...extra,
});

describe.each(storeMatrix())('REST CRUD (real port, real $store store)', ({ store }) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ tenants: [ALPHA], store });
  });
  afterAll(async () => s.close());

  describe('flags', () => {
    it('creates (201, Location, ETag), reads, replaces with If-Match, archives and restores', async () => {
      const created = await s.call('POST', '/v1/flags', { body: flag('crud-1', { description: 'first' }) });
      expect(created.status).toBe(201);
      expect(created.headers.get('location')).toBe('/v1/flags/crud-1');
      const etag = created.headers.get('etag');
      expect(etag).toMatch(/^"\d+"$/);
      expect(created.json.data).toEqual(flag('crud-1', { description: 'first' }));
      expect(created.json.meta).toMatchObject({ version: 1, archived: false, managed_by: 'api', created_by: 'alice' });

      const got = await s.call('GET', '/v1/flags/crud-1');
      expect(got.status).toBe(200);
      expect(got.headers.get('etag')).toBe(etag);
      expect(got.json.data.description).toBe('first');

      const updated = await s.call('PUT', '/v1/flags/crud-1', {
        body: flag('crud-1', { description: 'second' }),
        headers: { 'if-match': etag as string },
      });
      expect(updated.status).toBe(200);
      expect(updated.json.data.description).toBe('second');
      expect(updated.json.meta.version).toBe(2);
      expect(updated.headers.get('etag')).not.toBe(etag);

      const archived = await s.call('DELETE', '/v1/flags/crud-1');
      expect(archived.status).toBe(200);
      expect(archived.json.meta.archived).toBe(true);
      expect((await s.call('GET', '/v1/flags')).json.items.map((i: { data: { key: string } }) => i.data.key)).not.toContain('crud-1');
      expect((await s.call('GET', '/v1/flags?state=archived')).json.items.map((i: { data: { key: string } }) => i.data.key)).toEqual([
        'crud-1',
      ]);
      // Archived flags are not evaluated.
      const evalArchived = await s.call('POST', '/v1/evaluate', { body: { flag_key: 'crud-1', environment: 'production' } });
      expect(evalArchived.status).toBe(404);
      expect(evalArchived.json.error.code).toBe('FLAG_NOT_FOUND');
      // Archiving twice changes nothing.
      expect((await s.call('DELETE', '/v1/flags/crud-1')).json.meta.version).toBe(archived.json.meta.version);
      // Updating an archived flag is refused; restoring brings it back.
      const putArchived = await s.call('PUT', '/v1/flags/crud-1', { body: flag('crud-1'), headers: { 'if-match': '*' } });
      expect(putArchived.status).toBe(409);
      expect(putArchived.json.error.code).toBe('RESOURCE_ARCHIVED');
      const restored = await s.call('POST', '/v1/flags/crud-1/restore');
      expect(restored.status).toBe(200);
      expect(restored.json.meta.archived).toBe(false);
      const evalRestored = await s.call('POST', '/v1/evaluate', { body: { flag_key: 'crud-1', environment: 'production' } });
      expect(evalRestored.status).toBe(200);
      expect(evalRestored.json.reason).toBe('DISABLED');
    });

    it('409 on a duplicate key, also for an archived one', async () => {
      await s.call('POST', '/v1/flags', { body: flag('dup-1') });
      const again = await s.call('POST', '/v1/flags', { body: flag('dup-1') });
      expect(again.status).toBe(409);
      expect(again.json.error.code).toBe('ALREADY_EXISTS');
      await s.call('DELETE', '/v1/flags/dup-1');
      const archived = await s.call('POST', '/v1/flags', { body: flag('dup-1') });
      expect(archived.status).toBe(409);
      expect(archived.json.error.message).toMatch(/restore/);
    });

    it('ETag / If-Match: 428 without it, 412 on a stale one, * overwrites', async () => {
      const created = await s.call('POST', '/v1/flags', { body: flag('etag-1') });
      const first = created.headers.get('etag') as string;
      const missing = await s.call('PUT', '/v1/flags/etag-1', { body: flag('etag-1', { description: 'x' }) });
      expect(missing.status).toBe(428);
      expect(missing.json.error.code).toBe('PRECONDITION_REQUIRED');
      const ok = await s.call('PUT', '/v1/flags/etag-1', { body: flag('etag-1', { description: 'x' }), headers: { 'if-match': first } });
      expect(ok.status).toBe(200);
      const stale = await s.call('PUT', '/v1/flags/etag-1', { body: flag('etag-1', { description: 'y' }), headers: { 'if-match': first } });
      expect(stale.status).toBe(412);
      expect(stale.json.error.code).toBe('PRECONDITION_FAILED');
      const staleDelete = await s.call('DELETE', '/v1/flags/etag-1', { headers: { 'if-match': first } });
      expect(staleDelete.status).toBe(412);
      const star = await s.call('PUT', '/v1/flags/etag-1', { body: flag('etag-1', { description: 'z' }), headers: { 'if-match': '*' } });
      expect(star.status).toBe(200);
      expect(star.json.data.description).toBe('z');
    });

    it('an unchanged PUT creates no revision and no audit row', async () => {
      const created = await s.call('POST', '/v1/flags', { body: flag('same-1') });
      const etag = created.headers.get('etag') as string;
      const same = await s.call('PUT', '/v1/flags/same-1', { body: flag('same-1'), headers: { 'if-match': etag } });
      expect(same.status).toBe(200);
      expect(same.headers.get('etag')).toBe(etag);
      const audit = await s.call('GET', '/v1/audit?resource=flag&key=same-1');
      expect(audit.json.items).toHaveLength(1);
    });

    it('key in the URL must equal the key in the body (422 KEY_MISMATCH)', async () => {
      await s.call('POST', '/v1/flags', { body: flag('km-1') });
      const r = await s.call('PUT', '/v1/flags/km-1', { body: flag('km-2'), headers: { 'if-match': '*' } });
      expect(r.status).toBe(422);
      expect(r.json.error.code).toBe('KEY_MISMATCH');
    });

    it('404 for an unknown key, without echoing it', async () => {
      const r = await s.call('GET', '/v1/flags/no-such-flag-xyz');
      expect(r.status).toBe(404);
      expect(r.json.error.code).toBe('NOT_FOUND');
      expect(r.text).not.toContain('no-such-flag-xyz');
      expect((await s.call('PUT', '/v1/flags/no-such-flag-xyz', { body: flag('no-such-flag-xyz'), headers: { 'if-match': '*' } })).status).toBe(404);
      expect((await s.call('DELETE', '/v1/flags/no-such-flag-xyz')).status).toBe(404);
      expect((await s.call('POST', '/v1/flags/no-such-flag-xyz/restore')).status).toBe(404);
    });
  });

  describe('managed by Git', () => {
    it('a REST write to a Git-managed resource is 409 naming the commit, unless forced', async () => {
      const { replaceTenantState } = await import('../../server/features/state/replace-state.js');
      const { readTenantState } = await import('../../server/features/state/read-state.js');
      const current = await readTenantState(s.app.ff.stores, 'alpha');
      const state = structuredClone(current!.state);
      state.flags.push(flag('from-git', { description: 'in the repo' }) as (typeof state.flags)[number]);
      const ctx = { actor: 'ci', source: 'git' as const, requestId: null, commit: { sha: 'deadbeefcafe0123' }, now: new Date().toISOString() };
      await replaceTenantState(s.app.ff.stores, s.app.ff.listener, ctx, state, { allowDelete: false, managedBy: 'git' });
      const got = await s.call('GET', '/v1/flags/from-git');
      expect(got.json.meta).toMatchObject({ managed_by: 'git', git_commit: 'deadbeefcafe0123' });
      const refused = await s.call('PUT', '/v1/flags/from-git', { body: flag('from-git', { description: 'edited' }), headers: { 'if-match': '*' } });
      expect(refused.status).toBe(409);
      expect(refused.json.error.code).toBe('MANAGED_BY_GIT');
      expect(refused.json.error.message).toContain('deadbeefcafe');
      expect((await s.call('DELETE', '/v1/flags/from-git')).status).toBe(409);
      const forced = await s.call('PUT', '/v1/flags/from-git?force=true', {
        body: flag('from-git', { description: 'edited' }),
        headers: { 'if-match': '*' },
      });
      expect(forced.status).toBe(200);
      expect(forced.json.meta.managed_by).toBe('git'); // still Git's: the difference is drift
      const audit = await s.call('GET', '/v1/audit?key=from-git');
      expect(audit.json.items.map((i: { source: string; action: string }) => `${i.source}:${i.action}`)).toEqual(['api:update', 'git:create']);
      expect(audit.json.items[1].commit).toEqual({ sha: 'deadbeefcafe0123' });
      const byCommit = await s.call('GET', '/v1/audit?commit=deadbeef');
      expect(byCommit.json.items.map((i: { key: string }) => i.key)).toEqual(['from-git']);
    });
  });

  describe('validation', () => {
    it('422 with details for a body that breaks the schema (no coercion, no extra properties)', async () => {
      const r = await s.call('POST', '/v1/flags', { body: { ...flag('bad-1'), extra: 1, type: 'banana' } });
      expect(r.status).toBe(422);
      expect(r.json.error.code).toBe('SCHEMA_VALIDATION_FAILED');
      const codes = r.json.error.details.map((d: { code: string }) => d.code);
      expect(codes).toContain('schema.additionalProperties');
      expect(codes).toContain('schema.enum');
      // A string where a boolean belongs is not coerced.
      const coerced = await s.call('POST', '/v1/flags', {
        body: flag('bad-2', { environments: { production: { enabled: 'true' } } }),
      });
      expect(coerced.status).toBe(422);
      expect(coerced.json.error.details[0].path).toBe('/environments/production/enabled');
    });

    it('422 SEMANTIC_VALIDATION_FAILED naming the path of an unknown segment, variant or environment', async () => {
      const r = await s.call('POST', '/v1/flags', {
        body: flag('sem-1', {
          environments: {
            production: { enabled: true, rules: [{ id: 'r', conditions: [{ segment: 'nope' }], serve: { variant: 'maybe' } }] },
            staging: { enabled: true },
          },
        }),
      });
      expect(r.status).toBe(422);
      expect(r.json.error.code).toBe('SEMANTIC_VALIDATION_FAILED');
      const paths = r.json.error.details.map((d: { path: string }) => d.path);
      expect(paths).toEqual(
        expect.arrayContaining([
          expect.stringContaining('/environments/production/rules/0/conditions/0'),
          expect.stringContaining('/environments/production/rules/0/serve'),
          expect.stringContaining('/environments/staging'),
        ]),
      );
      for (const d of r.json.error.details) expect(d).toMatchObject({ code: expect.any(String), message: expect.any(String) });
      expect((await s.call('GET', '/v1/flags/sem-1')).status).toBe(404);
    });

    it('archiving a segment still referenced is 422 naming the referring flag', async () => {
      const r = await s.call('DELETE', '/v1/segments/staff');
      expect(r.status).toBe(422);
      expect(r.json.error.details.some((d: { resource?: string; key?: string }) => d.resource === 'flag' && d.key === 'new-checkout')).toBe(true);
    });

    it('400 for malformed JSON, 415 for another media type, 413 for a body over the limit', async () => {
      const bad = await s.call('POST', '/v1/flags', { raw: '{"key": ' });
      expect(bad.status).toBe(400);
      expect(bad.json.error.code).toBe('INVALID_JSON');
      const media = await s.call('POST', '/v1/flags', { raw: 'key=x', headers: { 'content-type': 'text/plain' } });
      expect(media.status).toBe(415);
      expect(media.json.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      const big = await s.call('POST', '/v1/flags', { body: flag('big', { description: 'x'.repeat(s.config.bodyLimit) }) });
      expect(big.status).toBe(413);
      expect(big.json.error.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('400 for a missing X-Tenant-ID and for bad query parameters', async () => {
      const noTenant = await s.call('GET', '/v1/flags', { tenant: null });
      expect(noTenant.status).toBe(400);
      expect(noTenant.json.error.code).toBe('MISSING_TENANT');
      const limit = await s.call('GET', `/v1/flags?limit=${s.config.maxPageSize + 1}`);
      expect(limit.status).toBe(400);
      expect((await s.call('GET', '/v1/flags?state=deleted')).status).toBe(400);
      expect((await s.call('GET', '/v1/flags?bogus=1')).status).toBe(400);
      const cursor = await s.call('GET', '/v1/flags?cursor=not-a-cursor');
      expect(cursor.status).toBe(400);
      expect(cursor.json.error.code).toBe('INVALID_CURSOR');
    });

    it('404 in the error envelope for an unknown route', async () => {
      const r = await s.call('GET', '/v1/nothing-here');
      expect(r.status).toBe(404);
      expect(r.json.error.code).toBe('NOT_FOUND');
    });
  });

  describe('lists', () => {
    it('paginates by cursor without gaps or repeats, up to the maximum page size', async () => {
      for (let i = 0; i < 7; i++) await s.call('POST', '/v1/flags', { body: flag(`page-${i}`, { tags: ['paged'] }) });
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const r: Awaited<ReturnType<TestServer['call']>> = await s.call(
          'GET',
          `/v1/flags?tag=paged&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(r.status).toBe(200);
        expect(r.json.items.length).toBeLessThanOrEqual(3);
        seen.push(...r.json.items.map((i: { data: { key: string } }) => i.data.key));
        cursor = r.json.next_cursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toEqual(['page-0', 'page-1', 'page-2', 'page-3', 'page-4', 'page-5', 'page-6']);
    });

    it('filters by q (key or description, case-insensitive), tag and state', async () => {
      const q = await s.call('GET', '/v1/flags?q=REDESIGNED');
      expect(q.json.items.map((i: { data: { key: string } }) => i.data.key)).toEqual(['new-checkout']);
      const byKey = await s.call('GET', '/v1/flags?q=banner');
      expect(byKey.json.items.map((i: { data: { key: string } }) => i.data.key)).toEqual(['banner-text']);
      const tag = await s.call('GET', '/v1/flags?tag=checkout');
      expect(tag.json.items.map((i: { data: { key: string } }) => i.data.key)).toEqual(['new-checkout']);
      const like = await s.call('GET', '/v1/flags?q=%25');
      expect(like.json.items).toEqual([]);
      const all = await s.call('GET', '/v1/flags?state=all&q=dup-1');
      expect(all.json.items).toHaveLength(1);
    });
  });

  describe('segments and environments', () => {
    it('CRUD a segment and use it from a flag', async () => {
      const seg = await s.call('POST', '/v1/segments', { body: { key: 'beta', include: ['user-9'] } });
      expect(seg.status).toBe(201);
      const f = await s.call('POST', '/v1/flags', {
        body: flag('beta-only', {
          environments: { production: { enabled: true, rules: [{ id: 'beta', conditions: [{ segment: 'beta' }], serve: { variant: 'on' } }] } },
        }),
      });
      expect(f.status).toBe(201);
      const member = await s.call('POST', '/v1/evaluate', {
        body: { flag_key: 'beta-only', environment: 'production', context: { targetingKey: 'user-9' } },
      });
      expect(member.json).toMatchObject({ value: true, reason: 'TARGETING_MATCH', rule_id: 'beta' });
      const put = await s.call('PUT', '/v1/segments/beta', {
        body: { key: 'beta', include: ['user-10'] },
        headers: { 'if-match': seg.headers.get('etag') as string },
      });
      expect(put.status).toBe(200);
      const after = await s.call('POST', '/v1/evaluate', {
        body: { flag_key: 'beta-only', environment: 'production', context: { targetingKey: 'user-9' } },
      });
      expect(after.json.value).toBe(false);
      expect(after.json.revision).toBeGreaterThan(member.json.revision);
    });

    it('creates an environment, evaluates in it, refuses to archive one a flag uses', async () => {
      const env = await s.call('POST', '/v1/environments', { body: { key: 'staging', name: 'Staging' } });
      expect(env.status).toBe(201);
      const list = await s.call('GET', '/v1/environments');
      expect(list.json.items.map((i: { data: { key: string } }) => i.data.key)).toEqual(['development', 'production', 'staging']);
      const r = await s.call('POST', '/v1/evaluate', { body: { flag_key: 'new-checkout', environment: 'staging' } });
      expect(r.json.reason).toBe('DISABLED');
      const inUse = await s.call('DELETE', '/v1/environments/development');
      expect(inUse.status).toBe(422);
      const archived = await s.call('DELETE', '/v1/environments/staging');
      expect(archived.status).toBe(200);
      const gone = await s.call('POST', '/v1/evaluate', { body: { flag_key: 'new-checkout', environment: 'staging' } });
      expect(gone.status).toBe(404);
    });
  });

  describe('idempotent create', () => {
    it('same key + same body replays the stored response; another body is 422', async () => {
      const headers = { 'idempotency-key': 'idem-abc-1' };
      const first = await s.call('POST', '/v1/flags', { body: flag('idem-1'), headers });
      expect(first.status).toBe(201);
      const replay = await s.call('POST', '/v1/flags', { body: flag('idem-1'), headers });
      expect(replay.status).toBe(201);
      expect(replay.json).toEqual(first.json);
      expect(replay.headers.get('location')).toBe('/v1/flags/idem-1');
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      const reused = await s.call('POST', '/v1/flags', { body: flag('idem-2'), headers });
      expect(reused.status).toBe(422);
      expect(reused.json.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect((await s.call('GET', '/v1/flags/idem-2')).status).toBe(404);
      // Without the key the same body is a plain duplicate.
      expect((await s.call('POST', '/v1/flags', { body: flag('idem-1') })).status).toBe(409);
      // Keys are scoped per route: the same key creates a segment.
      expect((await s.call('POST', '/v1/segments', { body: { key: 'idem-seg' }, headers })).status).toBe(201);
      const audit = await s.call('GET', '/v1/audit?resource=flag&key=idem-1');
      expect(audit.json.items).toHaveLength(1);
    });

    it('a failed attempt stores nothing, so a corrected retry with the same key succeeds', async () => {
      const headers = { 'idempotency-key': 'idem-retry' };
      const failed = await s.call('POST', '/v1/flags', { body: flag('idem-r', { environments: { nowhere: { enabled: true } } }), headers });
      expect(failed.status).toBe(422);
      const ok = await s.call('POST', '/v1/flags', { body: flag('idem-r'), headers });
      expect(ok.status).toBe(201);
    });
  });

  describe('audit', () => {
    it('records who, what, before and after for every write, newest first, filterable', async () => {
      const t0 = new Date().toISOString();
      const created = await s.call('POST', '/v1/flags', { body: flag('aud-1', { description: 'a' }), headers: { 'x-request-id': 'req-aud-1' } });
      await s.call('PUT', '/v1/flags/aud-1', {
        body: flag('aud-1', { description: 'b', environments: { production: { enabled: true } } }),
        headers: { 'if-match': created.headers.get('etag') as string },
      });
      await s.call('DELETE', '/v1/flags/aud-1');
      await s.call('POST', '/v1/flags/aud-1/restore');
      const r = await s.call('GET', '/v1/audit?resource=flag&key=aud-1');
      expect(r.status).toBe(200);
      expect(r.json.items.map((i: { action: string }) => i.action)).toEqual(['restore', 'archive', 'update', 'create']);
      const [restore, archive, update, create] = r.json.items;
      expect(create).toMatchObject({ actor: 'alice', source: 'api', resource: 'flag', key: 'aud-1', before: null, request_id: 'req-aud-1' });
      expect(create.after.description).toBe('a');
      expect(update.before.description).toBe('a');
      expect(update.after.description).toBe('b');
      expect(update.environment).toBe(null); // top-level change: every environment
      expect(archive.after).toBe(null);
      expect(restore.after.description).toBe('b');
      expect(create.revision).toBeLessThan(restore.revision);
      expect(Date.parse(create.ts)).toBeGreaterThanOrEqual(Date.parse(t0) - 1000);

      const byActor = await s.call('GET', '/v1/audit?actor=nobody');
      expect(byActor.json.items).toEqual([]);
      const future = await s.call('GET', `/v1/audit?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
      expect(future.json.items).toEqual([]);
      const window = await s.call('GET', `/v1/audit?key=aud-1&from=${encodeURIComponent(t0)}&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
      expect(window.json.items).toHaveLength(4);
      const paged = await s.call('GET', '/v1/audit?key=aud-1&limit=3');
      expect(paged.json.items).toHaveLength(3);
      const rest = await s.call('GET', `/v1/audit?key=aud-1&limit=3&cursor=${paged.json.next_cursor}`);
      expect(rest.json.items.map((i: { action: string }) => i.action)).toEqual(['create']);
      expect(rest.json.next_cursor).toBe(null);
    });

    it('an edit confined to one environment is audited with that environment', async () => {
      const created = await s.call('POST', '/v1/flags', { body: flag('aud-env', { environments: { production: { enabled: false } } }) });
      await s.call('PUT', '/v1/flags/aud-env', {
        body: flag('aud-env', { environments: { production: { enabled: true } } }),
        headers: { 'if-match': created.headers.get('etag') as string },
      });
      const r = await s.call('GET', '/v1/audit?key=aud-env&action=update');
      expect(r.json.items[0].environment).toBe('production');
      const byEnv = await s.call('GET', '/v1/audit?key=aud-env&environment=production');
      expect(byEnv.json.items).toHaveLength(1);
    });
  });
});
