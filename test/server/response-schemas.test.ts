// The response schemas of /openapi.json are true: every answer a real server
// gives the CLI and the console — state, plan, apply, audit, API keys,
// documents, usage, evaluation — validates against the schema its operation
// declares, `required` members included. The serializer drops members a
// schema does not list, and refuses (a 500) an answer that lacks a required
// one: a `required` that is not always true breaks the route, one left out
// makes core/model/openapi-types.ts (generated from the document) say
// "maybe" where the server always sends the member.
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantState } from '../../core/model/index.js';
import { storeMatrix } from '../support/postgres.js';
import { commit, desiredOf, postApply } from './helpers/apply.js';
import { ALPHA } from './helpers/fixtures.js';
import { startTestServer, type Reply, type TestServer } from './helpers/server.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

type Operation = { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> };
type Doc = { paths: Record<string, Record<string, Operation>> };

/** `/v1/flags/new-checkout` → the document's `/v1/flags/{key}`. */
function templateOf(doc: Doc, method: string, url: string): string {
  const pathname = url.split('?')[0]!;
  const parts = pathname.split('/');
  const found = Object.keys(doc.paths).find((p) => {
    const t = p.split('/');
    return doc.paths[p]![method] !== undefined && t.length === parts.length && t.every((seg, i) => /^\{.+\}$/.test(seg) || seg === parts[i]);
  });
  if (found === undefined) throw new Error(`no operation ${method.toUpperCase()} ${pathname} in /openapi.json`);
  return found;
}

describe.each(storeMatrix())('$store: real answers satisfy the response schemas of /openapi.json', ({ store }) => {
  let s: TestServer;
  let doc: Doc;
  let ajv: Ajv2020;
  const checked = new Set<string>();
  const compiled = new Map<string, ValidateFunction>();

  /** Validates the answer against its operation's schema for its status (or 4XX/5XX); returns it. */
  const conforms = (method: string, url: string, r: Reply): Reply => {
    const template = templateOf(doc, method, url);
    const responses = doc.paths[template]![method]!.responses;
    const status = String(r.status);
    const key = status in responses ? status : `${status[0]}XX`;
    const media = responses[key]?.content?.['application/json'];
    expect(media?.schema, `${method.toUpperCase()} ${template} declares no JSON schema for ${status}`).toBeDefined();
    const pointer = ['paths', template, method, 'responses', key, 'content', 'application/json', 'schema']
      .map((p) => encodeURIComponent(p.replace(/~/g, '~0').replace(/\//g, '~1')))
      .join('/');
    const ref = `openapi.json#/${pointer}`;
    let validate = compiled.get(ref);
    if (validate === undefined) compiled.set(ref, (validate = ajv.compile({ $ref: ref })));
    const ok = validate(r.json);
    expect(ok ? [] : validate.errors, `${method.toUpperCase()} ${url} → ${status}`).toEqual([]);
    checked.add(`${method.toUpperCase()} ${template} ${status}`);
    return r;
  };
  const call = async (method: string, url: string, body?: unknown, headers?: Record<string, string>) =>
    conforms(method.toLowerCase(), url, await s.call(method, url, { ...(body === undefined ? {} : { body }), ...(headers === undefined ? {} : { headers }) }));

  beforeAll(async () => {
    s = await startTestServer({ tenants: [ALPHA], store });
    doc = (await s.call('GET', '/openapi.json', { token: null, tenant: null })).json as Doc;
    ajv = new Ajv2020({ strict: false, allErrors: true, allowUnionTypes: true });
    addFormats(ajv);
    ajv.addSchema(doc as object, 'openapi.json');
  });
  afterAll(async () => s.close());

  it('GET /v1/state and /v1/state/manifest, with drift on a resource changed outside Git', async () => {
    // A REST write to a Git-managed flag: the state then reports its drift.
    const flag = await call('GET', '/v1/flags/new-checkout');
    const { data } = flag.json as { data: Record<string, unknown> };
    await call('PUT', '/v1/flags/new-checkout', { ...data, description: 'changed by hand' }, { 'if-match': flag.headers.get('etag')! });
    const state = await call('GET', '/v1/state');
    expect(Object.values((state.json as { resources: Record<string, { drift?: unknown }> }).resources).some((r) => r.drift !== undefined)).toBe(true);
    await call('GET', '/v1/state/manifest');
  });

  it('POST /v1/plan, POST /v1/apply (a dry run and a commit), a stale apply, and the audit it leaves', async () => {
    const current = (await s.call('GET', '/v1/state')).json as { revision: number; state: TenantState };
    const desired: TenantState = structuredClone(current.state);
    desired.flags = desired.flags.map((f) => (f.key === 'theme' ? { ...f, description: 'planned' } : f));
    await call('POST', '/v1/plan', { state: desiredOf(desired), base_revision: current.revision });
    conforms('post', '/v1/apply', await postApply(s, desired, { base: current.revision, dryRun: true }));
    const sent = commit('describe the theme');
    const applied = conforms('post', '/v1/apply', await postApply(s, desired, { base: current.revision, commit: sent }));
    expect(applied.status).toBe(200);
    const stale = conforms('post', '/v1/apply', await postApply(s, desired, { base: current.revision, commit: commit('late') }));
    expect(stale.status).toBe(409);
    const detail = ajv.compile({ $ref: 'openapi.json#/components/schemas/StalePlanDetail' });
    const [first] = (stale.json as { error: { details: unknown[] } }).error.details;
    expect(detail(first) ? [] : detail.errors).toEqual([]);
    expect(first).toMatchObject({ code: 'STALE_PLAN', since: [expect.objectContaining({ changed: ['flag:theme'] })] });
    const audit = await call('GET', `/v1/audit?commit=${sent.sha}`);
    expect((audit.json as { items: { commit: unknown }[] }).items[0]?.commit).toMatchObject({ sha: sent.sha, remote_url: sent.remote_url });
    await call('GET', '/v1/audit?limit=200');
  });

  it('the API key routes: create (the key once), list, get, revoke', async () => {
    const created = await call('POST', '/v1/api-keys', { name: 'ci', environment: 'production' }, { 'idempotency-key': 'response-schemas-1' });
    expect(created.status).toBe(201);
    const { id } = created.json as { id: string };
    // The replay: the same answer without the secret.
    const replayed = await call('POST', '/v1/api-keys', { name: 'ci', environment: 'production' }, { 'idempotency-key': 'response-schemas-1' });
    expect(replayed.status).toBe(201);
    expect(replayed.json).not.toHaveProperty('key');
    await call('GET', '/v1/api-keys');
    await call('GET', `/v1/api-keys/${id}`);
    await call('DELETE', `/v1/api-keys/${id}`);
    await call('GET', '/v1/api-keys?state=all');
  });

  it('documents (flags with usage, segments, environments), usage, and evaluation', async () => {
    await call('POST', '/v1/evaluate', { flag_key: 'new-checkout', environment: 'production', context: { targetingKey: 'vip-1' } });
    await call('POST', '/v1/evaluate/bulk', { environment: 'production', context: { targetingKey: 'u-1' } });
    await call('POST', '/v1/evaluate/preview', { flag_key: 'new-checkout', environment: 'production', context: { targetingKey: 'u-2' } });
    await call('POST', '/v1/evaluate', { flag_key: 'no-such-flag', environment: 'production' });
    await call('GET', '/v1/flags');
    await call('GET', '/v1/flags?state=all');
    await call('GET', '/v1/segments');
    await call('GET', '/v1/segments/staff');
    await call('GET', '/v1/environments');
    await call('GET', '/v1/environments/production');
    await call('GET', '/v1/usage');
  });

  it('covered every operation the CLI and the console read', () => {
    expect([...checked].sort()).toEqual(
      expect.arrayContaining([
        'GET /v1/state 200',
        'GET /v1/state/manifest 200',
        'POST /v1/plan 200',
        'POST /v1/apply 200',
        'POST /v1/apply 409',
        'GET /v1/audit 200',
        'POST /v1/api-keys 201',
        'GET /v1/api-keys 200',
        'GET /v1/api-keys/{id} 200',
        'DELETE /v1/api-keys/{id} 200',
        'POST /v1/evaluate/bulk 200',
        'POST /v1/evaluate/preview 200',
        'GET /v1/flags 200',
        'GET /v1/flags/{key} 200',
        'PUT /v1/flags/{key} 200',
        'GET /v1/segments 200',
        'GET /v1/environments 200',
        'GET /v1/usage 200',
      ]),
    );
  });
});
