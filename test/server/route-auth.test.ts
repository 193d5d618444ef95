// Every registered route, enumerated with an onRoute hook,
// against an explicit table. A route missing from the table fails the test.
import { MANIFEST_BUCKETS } from '../../core/diff/index.js';
import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RouteAuth } from '../../server/auth/route-auth.js';
import type { Scope } from '../../server/auth/scopes.js';
import { ALPHA, BRAVO, CANARY } from './helpers/fixtures.js';
import { startTestServer, type Call, type Reply, type TestServer } from './helpers/server.js';
import { storeMatrix } from '../support/postgres.js';
import { mintToken } from '../../server/auth/dev-token.js';
import { badTokens, tokenWithout } from './helpers/tokens.js';
import { TEST_SECRET } from './helpers/server.js';
import { builtConsole } from './helpers/console.js';

type ObjectKind = 'flag' | 'segment' | 'environment' | 'api_key' | 'experiment';

interface Req {
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
}

type Entry =
  | { auth: 'public'; url: string }
  | {
      auth: 'jwt' | 'evaluation';
      scope: Scope;
      /** Broader scopes the route accepts besides `scope` (config.auth lists them after it). */
      alsoAccepted?: Scope[];
      /** The request with `key` as the object it names (or ignored when `object` is null). */
      request: (key: string) => Req;
      /** The kind of tenant-owned object the route names; null for lists and creates. */
      object: ObjectKind | null;
      /** Status when naming another tenant's object (default 404). */
      foreignStatus?: number;
    };

const newFlag = (key: string) => ({ key, type: 'boolean', variants: { on: true, off: false }, offVariant: 'off' });
const env = { environment: 'production' };
const ifMatch = { 'if-match': '*' };

let created = 0;
const unique = (prefix: string) => `${prefix}-${++created}`;

/** THE TABLE. Adding a route without a line here fails "every registered route has an entry". */
const ROUTES: Record<string, Entry> = {
  'GET /healthz': { auth: 'public', url: '/healthz' },
  'GET /readyz': { auth: 'public', url: '/readyz' },
  'GET /metrics': { auth: 'public', url: '/metrics' },
  'GET /openapi.json': { auth: 'public', url: '/openapi.json' },
  // @fastify/swagger-ui
  'GET /docs': { auth: 'public', url: '/docs' },
  'GET /docs/json': { auth: 'public', url: '/docs/json' },
  'GET /docs/yaml': { auth: 'public', url: '/docs/yaml' },
  'HEAD,GET /docs/static/*': { auth: 'public', url: '/docs/static/swagger-ui.css' },
  'GET /docs/static/index.html': { auth: 'public', url: '/docs/static/index.html' },
  'GET /docs/static/swagger-initializer.js': { auth: 'public', url: '/docs/static/swagger-initializer.js' },
  // The console: a page and its assets; every call it makes is an API call with the user's token.
  'HEAD,GET /ui': { auth: 'public', url: '/ui' },
  'HEAD,GET /ui/': { auth: 'public', url: '/ui/' },
  'GET /ui/config.json': { auth: 'public', url: '/ui/config.json' },
  'HEAD,GET /ui/assets/:file': { auth: 'public', url: `/ui/assets/${builtConsole().assets[0] ?? 'missing'}` },

  'GET /v1/flags': { auth: 'jwt', scope: 'flags:read', object: null, request: () => ({ url: '/v1/flags?state=all' }) },
  'POST /v1/flags': { auth: 'jwt', scope: 'flags:write', object: null, request: () => ({ url: '/v1/flags', body: newFlag(unique('rt-flag')) }) },
  'GET /v1/flags/:key': { auth: 'jwt', scope: 'flags:read', object: 'flag', request: (k) => ({ url: `/v1/flags/${k}` }) },
  'PUT /v1/flags/:key': {
    auth: 'jwt',
    scope: 'flags:write',
    object: 'flag',
    request: (k) => ({ url: `/v1/flags/${k}`, body: newFlag(k), headers: ifMatch }),
  },
  'DELETE /v1/flags/:key': { auth: 'jwt', scope: 'flags:write', object: 'flag', request: (k) => ({ url: `/v1/flags/${k}` }) },
  'POST /v1/flags/:key/restore': { auth: 'jwt', scope: 'flags:write', object: 'flag', request: (k) => ({ url: `/v1/flags/${k}/restore` }) },

  'GET /v1/segments': { auth: 'jwt', scope: 'segments:read', object: null, request: () => ({ url: '/v1/segments?state=all' }) },
  'POST /v1/segments': { auth: 'jwt', scope: 'segments:write', object: null, request: () => ({ url: '/v1/segments', body: { key: unique('rt-seg') } }) },
  'GET /v1/segments/:key': { auth: 'jwt', scope: 'segments:read', object: 'segment', request: (k) => ({ url: `/v1/segments/${k}` }) },
  'PUT /v1/segments/:key': {
    auth: 'jwt',
    scope: 'segments:write',
    object: 'segment',
    request: (k) => ({ url: `/v1/segments/${k}`, body: { key: k }, headers: ifMatch }),
  },
  'DELETE /v1/segments/:key': { auth: 'jwt', scope: 'segments:write', object: 'segment', request: (k) => ({ url: `/v1/segments/${k}` }) },
  'POST /v1/segments/:key/restore': {
    auth: 'jwt',
    scope: 'segments:write',
    object: 'segment',
    request: (k) => ({ url: `/v1/segments/${k}/restore` }),
  },

  'GET /v1/environments': { auth: 'jwt', scope: 'environments:read', object: null, request: () => ({ url: '/v1/environments?state=all' }) },
  'POST /v1/environments': {
    auth: 'jwt',
    scope: 'environments:write',
    object: null,
    request: () => ({ url: '/v1/environments', body: { key: unique('rt-env') } }),
  },
  'GET /v1/environments/:key': { auth: 'jwt', scope: 'environments:read', object: 'environment', request: (k) => ({ url: `/v1/environments/${k}` }) },
  'PUT /v1/environments/:key': {
    auth: 'jwt',
    scope: 'environments:write',
    object: 'environment',
    request: (k) => ({ url: `/v1/environments/${k}`, body: { key: k }, headers: ifMatch }),
  },
  'DELETE /v1/environments/:key': {
    auth: 'jwt',
    scope: 'environments:write',
    object: 'environment',
    request: (k) => ({ url: `/v1/environments/${k}` }),
  },
  'POST /v1/environments/:key/restore': {
    auth: 'jwt',
    scope: 'environments:write',
    object: 'environment',
    request: (k) => ({ url: `/v1/environments/${k}/restore` }),
  },

  'GET /v1/api-keys': { auth: 'jwt', scope: 'keys:read', object: null, request: () => ({ url: '/v1/api-keys?state=all' }) },
  'POST /v1/api-keys': {
    auth: 'jwt',
    scope: 'keys:write',
    object: null,
    request: () => ({ url: '/v1/api-keys', body: { name: 'rt', environment: 'production' } }),
  },
  'GET /v1/api-keys/:id': { auth: 'jwt', scope: 'keys:read', object: 'api_key', request: (k) => ({ url: `/v1/api-keys/${k}` }) },
  'DELETE /v1/api-keys/:id': { auth: 'jwt', scope: 'keys:write', object: 'api_key', request: (k) => ({ url: `/v1/api-keys/${k}` }) },

  'GET /v1/audit': {
    auth: 'jwt',
    scope: 'audit:read',
    object: 'flag',
    foreignStatus: 200, // a filter naming B's key finds nothing
    request: (k) => ({ url: `/v1/audit?key=${k}` }),
  },

  'GET /v1/state': { auth: 'jwt', scope: 'flags:read', alsoAccepted: ['plan', 'apply'], object: null, request: () => ({ url: '/v1/state' }) },
  'GET /v1/state/manifest': { auth: 'jwt', scope: 'flags:read', alsoAccepted: ['plan', 'apply'], object: null, request: () => ({ url: '/v1/state/manifest' }) },
  'POST /v1/state/manifest': {
    auth: 'jwt',
    scope: 'flags:read',
    alsoAccepted: ['plan', 'apply'],
    object: null,
    request: () => ({ url: '/v1/state/manifest', body: { buckets: new Array(MANIFEST_BUCKETS).fill('0'.repeat(64)) } }),
  },
  'GET /v1/usage': { auth: 'jwt', scope: 'flags:read', alsoAccepted: ['plan', 'apply'], object: null, request: () => ({ url: '/v1/usage' }) },
  'POST /v1/plan': {
    auth: 'jwt',
    scope: 'plan',
    alsoAccepted: ['apply'],
    object: null,
    request: () => ({ url: '/v1/plan', body: { state: { environments: [{ key: 'production' }], flags: [], segments: [] } } }),
  },
  'POST /v1/apply': {
    auth: 'jwt',
    scope: 'apply',
    object: null,
    // A dry run: plans (here: deleting most of alpha) and writes nothing.
    request: () => ({ url: '/v1/apply', body: { state: { environments: [{ key: 'production' }], flags: [], segments: [] }, dry_run: true } }),
  },

  'POST /v1/evaluate': {
    auth: 'evaluation',
    scope: 'evaluate',
    object: 'flag',
    request: (k) => ({ url: '/v1/evaluate', body: { flag_key: k, context: { targetingKey: 'u' }, ...env } }),
  },
  'POST /v1/evaluate/bulk': {
    auth: 'evaluation',
    scope: 'evaluate',
    object: 'flag',
    foreignStatus: 200, // listed keys answer FLAG_NOT_FOUND per item
    request: (k) => ({ url: '/v1/evaluate/bulk', body: { flag_keys: [k], context: { targetingKey: 'u' }, ...env } }),
  },
  'POST /v1/evaluate/preview': {
    auth: 'evaluation',
    scope: 'evaluate',
    object: 'flag',
    request: (k) => ({ url: '/v1/evaluate/preview', body: { flag_key: k, context: { targetingKey: 'u' }, ...env } }),
  },
  'POST /v1/events': {
    auth: 'evaluation',
    scope: 'evaluate',
    object: null,
    request: () => ({ url: '/v1/events', body: { ...env, events: [{ id: unique('rt-event'), event: 'purchase', unit: 'u' }] } }),
  },
  'POST /v1/exposures': {
    auth: 'evaluation',
    scope: 'evaluate',
    object: null,
    request: () => ({ url: '/v1/exposures', body: { ...env, revision: 1, exposures: [{ experiment: 'x', flag: 'new-checkout', variant: 'on', unit: 'u' }] } }),
  },
  'GET /v1/experiments/:key/results': { auth: 'jwt', scope: 'flags:read', object: 'experiment', request: (k) => ({ url: `/v1/experiments/${k}/results` }) },
  'GET /v1/config': { auth: 'evaluation', scope: 'evaluate', object: null, request: () => ({ url: '/v1/config?environment=production' }) },
  'POST /ofrep/v1/evaluate/flags/:key': {
    auth: 'evaluation',
    scope: 'evaluate',
    object: 'flag',
    request: (k) => ({ url: `/ofrep/v1/evaluate/flags/${k}`, body: { context: { targetingKey: 'u' } }, headers: { 'x-environment': 'production' } }),
  },
  'POST /ofrep/v1/evaluate/flags': {
    auth: 'evaluation',
    scope: 'evaluate',
    object: null,
    request: () => ({ url: '/ofrep/v1/evaluate/flags', body: { context: { targetingKey: 'u' } }, headers: { 'x-environment': 'production' } }),
  },

  // follow=false sends the replay (none without since) and ends the
  // response, which a live stream never does.
  'GET /v1/stream': {
    auth: 'evaluation',
    scope: 'evaluate',
    object: null,
    request: () => ({ url: '/v1/stream?environment=production&follow=false' }),
  },
  'GET /v1/watch/status': { auth: 'jwt', scope: 'audit:read', object: null, request: () => ({ url: '/v1/watch/status' }) },
};

const CANARIES = Object.values(CANARY);

function expectNoCanary(reply: Reply, allowed: string[] = []): void {
  const headers = JSON.stringify([...reply.headers.entries()]);
  for (const canary of CANARIES) {
    if (allowed.includes(canary)) continue;
    expect(reply.text, `body leaks ${canary}`).not.toContain(canary);
    expect(headers, `headers leak ${canary}`).not.toContain(canary);
  }
}

// On both stores (the matrix): tenant isolation is the stores' WHERE clauses as
// much as the routes' checks, and each store has its own queries.
describe.each(storeMatrix())('route-table authorization ($store store)', ({ store }) => {
  let s: TestServer;
  // Method and URL are read when the hook fires (fastify reuses the options
  // object for a prefix's trailing-slash twin); config is read later, once
  // every onRoute hook has run.
  const registered: { key: string; route: RouteOptions }[] = [];
  let bad: Record<string, string>;
  let alphaKey: string;
  // No tenant declares the experiment: its results are 404 whoever asks (experiments.test.ts covers tenant isolation with a real one).
  const bObjects: Record<ObjectKind, string> = { flag: CANARY.flag, segment: CANARY.segment, environment: CANARY.environment, api_key: '', experiment: 'canary-experiment-b7q' };

  beforeAll(async () => {
    s = await startTestServer({ store, tenants: [ALPHA, BRAVO], deps: { onRoute: (r) => void registered.push({ key: `${String(r.method)} ${r.url}`, route: r }) } });
    bad = await badTokens('alpha');
    alphaKey = (await s.call('POST', '/v1/api-keys', { body: { name: 'a', environment: 'production' } })).json.key;
    const bravoToken = await s.token({ tenants: ['bravo'], sub: 'bob' });
    const bKey = await s.call('POST', '/v1/api-keys', { token: bravoToken, tenant: 'bravo', body: { name: CANARY.description, environment: 'production' } });
    expect(bKey.status).toBe(201);
    bObjects.api_key = bKey.json.id;
    // Archive B's flag too, so restore routes meet a restorable object.
    await s.call('POST', `/v1/flags`, { token: bravoToken, tenant: 'bravo', body: { ...newFlag('canary-archived'), description: CANARY.description } });
  });
  afterAll(async () => s.close());

  it('every registered route has an entry, and every entry a route', () => {
    const keys = registered.map((r) => r.key);
    const missing = keys.filter((k) => !(k in ROUTES));
    expect(missing, 'routes without an entry in the table').toEqual([]);
    const stale = Object.keys(ROUTES).filter((k) => !keys.includes(k));
    expect(stale, 'entries without a route').toEqual([]);
  });

  it('the table agrees with each route’s declared config.auth (the one place scopes live)', () => {
    for (const { key, route } of registered) {
      const entry = ROUTES[key] as Entry;
      const auth = route.config?.auth as RouteAuth;
      expect(auth.kind, key).toBe(entry.auth);
      if (entry.auth !== 'public' && auth.kind !== 'public') expect(auth.scopes, key).toEqual([entry.scope, ...(entry.alsoAccepted ?? [])]);
    }
  });

  for (const [name, entry] of Object.entries(ROUTES)) {
    const method = (name.split(' ')[0] as string).split(',').at(-1) as string;
    if (entry.auth === 'public') {
      it(`${name}: public, no credentials needed`, async () => {
        const r = await s.call(method, entry.url, { token: null, tenant: null });
        expect(r.status, name).toBeLessThan(400);
      });
      continue;
    }
    describe(name, () => {
      const send = (req: Req, call: Call) =>
        s.call(method, req.url, { ...call, ...(req.body === undefined ? {} : { body: req.body }), headers: { ...req.headers, ...call.headers } });
      const someKey = () => (entry.object === 'api_key' ? 'AAAAAAAAAAAA' : 'no-such-object-123');

      it('no credentials → 401 with WWW-Authenticate: Bearer', async () => {
        const r = await send(entry.request(someKey()), { token: null });
        expect(r.status).toBe(401);
        expect(r.headers.get('www-authenticate')).toBe('Bearer');
        expect(r.json.error.code).toBe('UNAUTHENTICATED');
      });

      it('expired, alg none, wrong signature, missing exp, garbage → 401', async () => {
        for (const [kind, token] of Object.entries(bad)) {
          const r = await send(entry.request(someKey()), { token });
          expect(r.status, kind).toBe(401);
          expect(r.headers.get('www-authenticate'), kind).toBe('Bearer');
        }
      });

      const accepted = [entry.scope, ...(entry.alsoAccepted ?? [])];
      it(`a token without ${accepted.join(' or ')} → 403`, async () => {
        const r = await send(entry.request(someKey()), { token: await tokenWithout(accepted, 'alpha') });
        expect(r.status).toBe(403);
        expect(r.json.error.details[0]).toMatchObject({ code: 'MISSING_SCOPE', accepted });
      });

      for (const scope of entry.alsoAccepted ?? []) {
        it(`a token with only ${scope} passes authorization`, async () => {
          const token = await mintToken({ secret: TEST_SECRET, sub: 'narrow', tenants: ['alpha'], scopes: [scope] });
          const r = await send(entry.request(someKey()), { token });
          expect([401, 403]).not.toContain(r.status);
        });
      }

      it('tenant A’s credentials with X-Tenant-ID: B → 403', async () => {
        const r = await send(entry.request(someKey()), { tenant: 'bravo' });
        expect(r.status).toBe(403);
        expectNoCanary(r);
        if (entry.auth === 'evaluation') {
          const k = await send(entry.request(someKey()), { apiKey: alphaKey, tenant: 'bravo' });
          expect(k.status).toBe(403);
        }
      });

      if (entry.auth === 'jwt') {
        it('an evaluation API key on a management route → 403', async () => {
          const r = await send(entry.request(someKey()), { apiKey: alphaKey, tenant: 'alpha' });
          expect(r.status).toBe(403);
        });
      }

      it('valid credentials pass authorization (the checks above are not vacuous)', async () => {
        const r = await send(entry.request(someKey()), {});
        expect([401, 403]).not.toContain(r.status);
        if (entry.auth === 'evaluation') {
          const k = await send(entry.request(someKey()), { apiKey: alphaKey, tenant: null });
          expect([401, 403]).not.toContain(k.status);
        }
      });

      it('naming tenant B’s objects with A’s credentials reveals nothing', async () => {
        const credentials: Call[] = entry.auth === 'evaluation' ? [{}, { apiKey: alphaKey, tenant: null }] : [{}];
        for (const call of credentials) {
          if (entry.object === null) {
            const r = await send(entry.request(''), call);
            expect(r.status).toBeLessThan(300);
            expectNoCanary(r);
            continue;
          }
          const foreignKey = bObjects[entry.object];
          const foreign = await send(entry.request(foreignKey), call);
          expect(foreign.status).toBe(entry.foreignStatus ?? 404);
          // Evaluation answers (OFREP's {key}, bulk's per-item flag_key) echo the
          // requested key by design; nothing else of B's may appear, and error
          // envelopes do not even repeat the key.
          const echoes = foreign.json?.error === undefined ? [foreignKey] : [];
          expectNoCanary(foreign, echoes);
          if (foreign.json?.error !== undefined) expect(foreign.text).not.toContain(foreignKey);
          // Indistinguishable from an object that exists nowhere.
          const nowhere = someKey();
          const absent = await send(entry.request(nowhere), call);
          expect(absent.status).toBe(foreign.status);
          expect(absent.text.replaceAll(nowhere, '<key>')).toBe(foreign.text.replaceAll(foreignKey, '<key>'));
        }
      });
    });
  }

  it('B’s data is intact and still served to B', async () => {
    const bravoToken = await s.token({ tenants: ['bravo'] });
    const r = await s.call('GET', `/v1/flags/${CANARY.flag}`, { token: bravoToken, tenant: 'bravo' });
    expect(r.status).toBe(200);
    expect(r.json.meta.archived).toBe(false);
    const k = await s.call('GET', `/v1/api-keys/${bObjects.api_key}`, { token: bravoToken, tenant: 'bravo' });
    expect(k.json.revoked_at).toBe(null);
  });
});
