import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_DEPTH } from '../../core/yaml/limits.js';
import { MAX_BODY_DEPTH, parseJsonBody } from '../../server/http/json-body.js';
import { ALPHA } from './helpers/fixtures.js';
import { commit, desiredOf } from './helpers/apply.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { storeMatrix } from '../support/postgres.js';

/** `{"a":{"a":…}}` nested `depth` objects deep around `leaf`. */
const nested = (depth: number, leaf: unknown = 1): unknown => {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
};
/** The same as text, built without recursion (JSON.stringify of 5,000 levels is fine, but this is cheaper). */
const nestedText = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

const objectFlag = (key: string, value: unknown) => ({
  key,
  type: 'object',
  variants: { deep: value, flat: {} },
  offVariant: 'flat',
});

// On both stores (the matrix): "changes nothing" is read back from the database the refused write would have reached.
describe.each(storeMatrix())('the one JSON body reader: the YAML loader rules, 400 in the one error shape ($store store)', ({ store }) => {
  let s: TestServer;
  let prodKey: string;
  beforeAll(async () => {
    s = await startTestServer({ store, tenants: [ALPHA] });
    prodKey = (await s.call('POST', '/v1/api-keys', { body: { name: 'eval', environment: 'production' } })).json.key;
  });
  afterAll(async () => s.close());

  const expectInvalid = (r: { status: number; json: { error: { code: string; details: { code: string }[] } } }, detail: string) => {
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('INVALID_JSON');
    expect(r.json.error.details.map((d: { code: string }) => d.code)).toEqual([detail]);
  };

  it('caps depth at the YAML loader depth plus the request envelope', () => {
    expect(MAX_BODY_DEPTH).toBe(DEFAULT_MAX_DEPTH + 4);
  });

  it('refuses a body nested 5,000 deep on the evaluation routes, with only an evaluation API key', async () => {
    const context = nestedText(5000);
    const bulk = await s.call('POST', '/ofrep/v1/evaluate/flags', { apiKey: prodKey, tenant: null, raw: `{"context":${context}}` });
    expect(bulk.status).toBe(400);
    expect(bulk.json).toEqual({ errorCode: 'PARSE_ERROR', errorDetails: expect.stringContaining('nested more than') });
    const preview = await s.call('POST', '/v1/evaluate/preview', {
      apiKey: prodKey,
      tenant: null,
      raw: `{"flag_key":"new-checkout","context":${context}}`,
    });
    expectInvalid(preview, 'JSON_TOO_DEEP');
    const single = await s.call('POST', '/v1/evaluate', { apiKey: prodKey, tenant: null, raw: `{"flag_key":"new-checkout","context":${context}}` });
    expectInvalid(single, 'JSON_TOO_DEEP');
  });

  it('refuses object variants nested 1,000 deep on create, replace and apply — and changes nothing', async () => {
    const before = (await s.call('GET', '/v1/state')).json.revision;
    const themeBefore = (await s.call('GET', '/v1/flags/theme')).json;
    const deep = nested(1000);
    expectInvalid(await s.call('POST', '/v1/flags', { body: objectFlag('deep-1', deep) }), 'JSON_TOO_DEEP');
    const put = await s.call('PUT', '/v1/flags/theme', { body: objectFlag('theme', deep), headers: { 'if-match': '"1"' } });
    expectInvalid(put, 'JSON_TOO_DEEP');
    const state = desiredOf(ALPHA);
    state.flags.push(objectFlag('deep-2', deep) as never);
    const apply = await s.call('POST', '/v1/apply', { body: { state, base_revision: before, commit: commit('deep') } });
    expectInvalid(apply, 'JSON_TOO_DEEP');
    expect((await s.call('GET', '/v1/state')).json.revision).toBe(before);
    expect((await s.call('GET', '/v1/flags/theme')).json).toEqual(themeBefore);
    expect((await s.call('GET', '/v1/flags/deep-1')).status).toBe(404);
    expect((await s.call('GET', '/v1/flags/deep-2')).status).toBe(404);
  });

  it('still accepts an object variant as deep as a YAML file may hold it', async () => {
    // flag (1) → variants (2) → variant value (3…): the value may nest DEFAULT_MAX_DEPTH - 2 levels in YAML.
    const created = await s.call('POST', '/v1/flags', { body: objectFlag('deep-ok', nested(DEFAULT_MAX_DEPTH - 2)) });
    expect(created.status).toBe(201);
  });

  it('refuses a duplicate key instead of keeping the last one', async () => {
    const r = await s.call('POST', '/v1/flags', {
      raw: '{"key":"dup-key","type":"boolean","variants":{"on":true,"off":false},"offVariant":"off","environments":{"production":{"enabled":true,"enabled":false}}}',
    });
    expectInvalid(r, 'JSON_DUPLICATE_KEY');
    expect(r.json.error.details[0].path).toBe('/environments/production/enabled');
    expect((await s.call('GET', '/v1/flags/dup-key')).status).toBe(404);
    // An escaped spelling of the same key is the same key.
    expectInvalid(await s.call('POST', '/v1/evaluate', { apiKey: prodKey, tenant: null, raw: '{"flag_key":"a","flag\\u005fkey":"b"}' }), 'JSON_DUPLICATE_KEY');
    // The same key in two different objects is fine.
    const ok = await s.call('POST', '/v1/evaluate', { apiKey: prodKey, tenant: null, raw: '{"flag_key":"new-checkout","context":{"flag_key":"x"}}' });
    expect(ok.status).toBe(200);
  });

  it('refuses invalid UTF-8 instead of replacing it', async () => {
    const body = Buffer.concat([Buffer.from('{"flag_key":"new-checkout","context":{"targetingKey":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}}')]);
    const res = await fetch(`${s.url}/v1/evaluate`, { method: 'POST', headers: { 'x-api-key': prodKey, 'content-type': 'application/json' }, body });
    expectInvalid({ status: res.status, json: (await res.json()) as never }, 'JSON_ENCODING');
  });

  it('refuses a __proto__ key anywhere in the body', async () => {
    const r = await s.call('POST', '/v1/evaluate', { apiKey: prodKey, tenant: null, raw: '{"flag_key":"new-checkout","context":{"__proto__":{"admin":true}}}' });
    expectInvalid(r, 'JSON_PROTO_KEY');
    expect(r.json.error.details[0].path).toBe('/context/__proto__');
  });

  it('still refuses what is not JSON, and an empty body', async () => {
    const bad = await s.call('POST', '/v1/evaluate', { apiKey: prodKey, tenant: null, raw: '{"flag_key":' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('INVALID_JSON');
    const empty = await s.call('POST', '/v1/evaluate', { apiKey: prodKey, tenant: null, raw: '', headers: { 'content-type': 'application/json' } });
    expect(empty.status).toBe(400);
    expect(empty.json.error.code).toBe('INVALID_JSON');
  });
});

describe.each(storeMatrix())('OFREP with an unknown X-Environment answers in OFREP\'s own shape ($store store)', ({ store }) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ store, tenants: [ALPHA] });
  });
  afterAll(async () => s.close());

  it('single flag: 404 {key, errorCode, errorDetails}, not a 500', async () => {
    const r = await s.call('POST', '/ofrep/v1/evaluate/flags/new-checkout', { body: { context: {} }, headers: { 'x-environment': 'nope' } });
    expect(r.status).toBe(404);
    expect(r.json).toEqual({ key: 'new-checkout', errorCode: 'FLAG_NOT_FOUND', errorDetails: 'environment not found' });
  });

  it('bulk: 404 {errorCode, errorDetails}, not the ff envelope', async () => {
    const r = await s.call('POST', '/ofrep/v1/evaluate/flags', { body: { context: {} }, headers: { 'x-environment': 'nope' } });
    expect(r.status).toBe(404);
    expect(r.json).toEqual({ errorCode: 'GENERAL', errorDetails: 'environment not found' });
  });
});

describe('parseJsonBody (the reader alone)', () => {
  it('reads every JSON text of depth ≤ the cap exactly as JSON.parse does', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (value) => {
        const text = JSON.stringify(value);
        // jsonValue may produce __proto__ keys, which the reader refuses by design.
        fc.pre(!text.includes('"__proto__"'));
        expect(parseJsonBody(Buffer.from(text))).toEqual(JSON.parse(text));
      }),
      { numRuns: 300 },
    );
  });

  it('checks each object on its own, however many keys it has and whatever object came before at its depth', () => {
    // Siblings at one depth: keys of an earlier object are not the next one's.
    expect(parseJsonBody(Buffer.from('[{"a":1,"b":2,"c":3},{"c":1},{"a":{"a":1}}]'))).toEqual([{ a: 1, b: 2, c: 3 }, { c: 1 }, { a: { a: 1 } }]);
    expect(() => parseJsonBody(Buffer.from('[{"a":1,"b":2,"c":3},{"c":1,"c":2}]'))).toThrow(/duplicate key/);
    // A map of many entries (past the linear search) finds a key repeated early, late or escaped.
    const many = Array.from({ length: 40 }, (_, i) => `"k${i}":${i}`);
    const asObject = (members: string[]) => Buffer.from(`{"outer":[{${members.join(',')}}]}`);
    expect(parseJsonBody(asObject(many))).toEqual({ outer: [Object.fromEntries(many.map((_, i) => [`k${i}`, i]))] });
    for (const repeated of ['"k3":0', '"k39":0', '"k\\u0032":0', '"k17":0']) {
      let error: unknown;
      try {
        parseJsonBody(asObject([...many, repeated]));
      } catch (e) {
        error = e;
      }
      expect((error as { details: { code: string; path: string }[] }).details).toEqual([
        expect.objectContaining({ code: 'JSON_DUPLICATE_KEY', path: `/outer/0/${JSON.parse(repeated.split(':')[0]!) as string}` }),
      ]);
    }
  });

  it('finds a duplicate key wherever strings with quotes and backslashes sit around it', () => {
    const tricky = '"a\\\\\\"b\\\\"';
    expect(() => parseJsonBody(Buffer.from(`{"k":${tricky},"x":[${tricky},{"k":1}],"k":2}`))).toThrow(/duplicate key/);
    expect(parseJsonBody(Buffer.from(`{"k":${tricky},"x":[${tricky},{"k":1}]}`))).toEqual({ k: 'a\\"b\\', x: ['a\\"b\\', { k: 1 }] });
  });
});
