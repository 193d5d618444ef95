// Request-level fuzzing: every operation of /openapi.json, hit with wrong
// types, deep nesting, huge strings, unicode and NUL, prototype keys,
// duplicate keys, wrong content types, truncated and oversized bodies, with
// and without credentials. The server must never answer 5xx, every error must
// be in the documented shape (the ff envelope, or OFREP's on /ofrep), and it
// must still serve afterwards. The budget is a fixed number of runs (no
// clock), sized to stay a few seconds on a busy two-core machine. On both
// stores (the matrix): PostgreSQL gets a quarter of the runs, enough for the
// writes that reach it to hit its own failure paths (constraint and type
// errors surface from the database there, not from SQLite).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALPHA, BRAVO, CANARY } from './helpers/fixtures.js';
import { storeMatrix, type StoreKind } from '../support/postgres.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const RUNS = Number(process.env.FF_FUZZ_RUNS ?? 400);
const runsOn = (store: StoreKind) => (store === 'postgres' ? Math.max(1, Math.ceil(RUNS / 4)) : RUNS);

interface Operation {
  method: string;
  path: string;
}

/** A body that is valid for some route, so mutations reach past the first schema check. */
const PLAUSIBLE: Record<string, unknown>[] = [
  { key: 'fz', type: 'boolean', variants: { on: true, off: false }, offVariant: 'off', environments: { production: { enabled: true } } },
  { key: 'fz-seg', conditions: [{ attribute: 'email', operator: 'ends_with', value: '@x' }] },
  { key: 'fz-env', name: 'Fuzz' },
  { name: 'fz key', environment: 'production' },
  { flag_key: 'new-checkout', environment: 'production', context: { targetingKey: 'u-1', email: 'a@alpha.test' } },
  { context: { targetingKey: 'u-1' } },
  { state: { name: 'Alpha', environments: [{ key: 'production' }], flags: [], segments: [] }, base_revision: 1 },
];

/**
 * The ff envelope of a request no route took: a URL Fastify cannot decode, or
 * one that is no route at all once normalised (`/flags/..` is `/evaluate/`).
 */
const unroutable = (status: number, body: Record<string, unknown>) => {
  const message = (body.error as { message?: string } | undefined)?.message ?? '';
  return (status === 400 && /is not a valid url component/.test(message)) || (status === 404 && message.startsWith('no route '));
};

const depth = (n: number, open: string, close: string, leaf = '1') => open.repeat(n) + leaf + close.repeat(n);

/** Raw body texts: the hostile ones named in the suite's header. */
const rawBody: fc.Arbitrary<string | Buffer | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.constantFrom(...PLAUSIBLE).map((v) => JSON.stringify(v)),
  // A plausible body with one member replaced by anything.
  fc
    .tuple(fc.constantFrom(...PLAUSIBLE), fc.string({ maxLength: 12 }), fc.jsonValue())
    .map(([base, key, value]) => JSON.stringify({ ...base, [Object.keys(base)[key.length % Object.keys(base).length] ?? key]: value })),
  fc.integer({ min: 60, max: 6000 }).map((n) => `{"context":${depth(n, '{"a":', '}')}}`),
  fc.integer({ min: 60, max: 6000 }).map((n) => depth(n, '[', ']')),
  fc.integer({ min: 1, max: 2_000_000 }).map((n) => JSON.stringify({ key: 'x'.repeat(n), flag_key: 'y'.repeat(n % 1000) })),
  fc.string({ unit: 'binary', maxLength: 200 }).map((s) => JSON.stringify({ key: s, flag_key: s, context: { targetingKey: s, [s]: s } })),
  fc.constantFrom(
    '{"__proto__":{"admin":true}}',
    '{"constructor":{"prototype":{"admin":true}}}',
    '{"context":{"__proto__":null}}',
    '{"key":"a","key":"b"}',
    '{"flag_key":"new-checkout","flag_key":"banner-text"}',
    '{"flag_key":"new-\u0000checkout","context":{"targetingKey":"\u0000"}}',
    '\u0000',
    '{',
    '[1,2',
    'null',
    '"just a string"',
    '12345678901234567890e99999',
    '{"a":1}garbage',
  ),
  fc.constantFrom(...PLAUSIBLE).chain((v) => {
    const text = JSON.stringify(v);
    return fc.integer({ min: 0, max: text.length - 1 }).map((cut) => text.slice(0, cut));
  }),
  fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.concat([Buffer.from('{"key":"'), Buffer.from(bytes), Buffer.from('"}')])),
);

const segment = fc.oneof(
  fc.constantFrom('new-checkout', 'theme', 'production', 'staff', 'alpha', 'nope', '__proto__', 'constructor', '..', '%00', '%E0%A4%A', '%'),
  fc.string({ maxLength: 300 }).map((s) => encodeURIComponent(s)),
);

const query = fc.oneof(
  fc.constant(''),
  fc.constantFrom('?limit=0', '?limit=-1', '?limit=abc', '?limit=1&cursor=zzz', '?state=weird', '?q=%00', '?environment=production', '?environment=', '?force=maybe'),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 40 }), { maxKeys: 3 }).map((d) => '?' + new URLSearchParams(d).toString()),
);

const contentType = fc.constantFrom(undefined, 'application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', 'multipart/form-data; boundary=x');

describe.each(storeMatrix())('request fuzzing over every operation of /openapi.json ($store store)', ({ store }) => {
  let s: TestServer;
  let operations: Operation[];
  let credentials: (Record<string, string> | undefined)[];
  let bravoToken: string;

  beforeAll(async () => {
    s = await startTestServer({ store, tenants: [ALPHA, BRAVO] });
    const doc = (await s.call('GET', '/openapi.json')).json as { paths: Record<string, Record<string, unknown>> };
    operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((m) => ['get', 'put', 'post', 'delete', 'patch'].includes(m))
        .map((method) => ({ method: method.toUpperCase(), path })),
    );
    const key = (await s.call('POST', '/v1/api-keys', { body: { name: 'fuzz', environment: 'production' } })).json.key as string;
    const bravoOnly = await s.token({ tenants: ['bravo'], sub: 'bob', scopes: ['flags:read'] });
    bravoToken = await s.token({ tenants: ['bravo'], sub: 'bob' });
    credentials = [
      undefined,
      { authorization: `Bearer ${s.adminToken}`, 'x-tenant-id': 'alpha' },
      { authorization: `Bearer ${s.adminToken}`, 'x-tenant-id': 'alpha', 'x-environment': 'production' },
      { authorization: `Bearer ${s.adminToken}` },
      { authorization: `Bearer ${bravoOnly}`, 'x-tenant-id': 'alpha' },
      { 'x-api-key': key },
      { authorization: `Bearer ${key}`, 'x-environment': 'development' },
      { authorization: 'Bearer not.a.jwt', 'x-tenant-id': 'alpha' },
      { authorization: `Bearer ${s.adminToken}`, 'x-tenant-id': '\u00e9\u00e8' },
    ];
  });
  afterAll(async () => s.close());

  it('has every route to fuzz', () => {
    expect(operations.length).toBeGreaterThanOrEqual(30);
  });

  it('never answers 5xx, always in the documented error shape, and keeps serving', async () => {
    const request = fc.record({
      op: fc.nat(),
      params: fc.array(segment, { minLength: 3, maxLength: 3 }),
      query,
      cred: fc.nat(),
      contentType,
      body: rawBody,
      extra: fc.option(
        fc.constantFrom<Record<string, string>>(
          { 'if-match': '"1"' },
          { 'if-match': 'garbage' },
          { 'if-none-match': '*' },
          { 'idempotency-key': 'k'.repeat(300) },
          { 'idempotency-key': 'fuzz-1' },
          { 'x-request-id': '../../etc' },
          { accept: 'text/html' },
        ),
        { nil: undefined },
      ),
    });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const op = operations[r.op % operations.length]!;
        let i = 0;
        const path = op.path.replace(/\{[^}]+\}/g, () => r.params[i++] ?? 'x') + r.query;
        const headers: Record<string, string> = { ...credentials[r.cred % credentials.length], ...r.extra };
        if (r.contentType !== undefined && r.body !== undefined) headers['content-type'] = r.contentType;
        const withBody = r.body !== undefined && op.method !== 'GET';
        const controller = new AbortController();
        const res = await fetch(s.url + path, {
          method: op.method,
          headers,
          signal: controller.signal,
          ...(withBody ? { body: r.body } : {}),
        });
        if ((res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
          controller.abort(); // a live stream that was accepted: nothing more to check
          return;
        }
        const text = await res.text();
        const where = `${op.method} ${path} → ${res.status}: ${text.slice(0, 300)}`;
        expect(res.status, where).toBeLessThan(500);
        if (res.status >= 400) {
          expect(res.headers.get('content-type'), where).toMatch(/^application\/json/);
          const body = JSON.parse(text) as Record<string, unknown>;
          // OFREP routes answer 400/404 in OFREP's body; a URL too malformed to be
          // routed at all (bad percent-encoding) gets the ff envelope, as documented.
          // Decided on the path as sent (fetch normalises `..`), not on the template.
          const ofrep = /^\/ofrep\/v1\/evaluate\/flags(\/[^/]*)?$/.exec(new URL(s.url + path).pathname);
          if (ofrep !== null && (res.status === 400 || res.status === 404) && !unroutable(res.status, body)) {
            expect(body, where).toEqual({ ...(ofrep[1] !== undefined ? { key: expect.any(String) } : {}), errorCode: expect.any(String), errorDetails: expect.any(String) });
          } else {
            expect(body, where).toEqual({ error: { code: expect.stringMatching(/^[A-Z_]+$/), message: expect.any(String), details: expect.any(Array) } });
          }
        }
      }),
      { numRuns: runsOn(store), seed: Number(process.env.FF_FUZZ_SEED ?? 20261203), endOnFailure: true },
    );
    const health = await fetch(`${s.url}/healthz`);
    expect(health.status).toBe(200);
    // Tenant bravo, which no fuzzed credential can write: it still evaluates as seeded.
    const evaluated = await s.call('POST', '/v1/evaluate', {
      token: bravoToken,
      tenant: 'bravo',
      body: { flag_key: CANARY.flag, environment: 'production', context: { targetingKey: 'u' } },
    });
    expect(evaluated.status).toBe(200);
    expect(evaluated.json.flag_key).toBe(CANARY.flag);
  });
});
