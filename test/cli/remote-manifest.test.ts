// What ff plan and ff apply send: a delta against the server's manifest,
// which arrives in buckets (only those whose digests differ) from a current
// server and whole from an older one. Either way the delta is the same.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { deltaOf, fetchManifest } from '../../cli/actions/remote-plan.js';
import { ApiClient } from '../../cli/http/client.js';
import { MANIFEST_FIELD, ManifestBuckets, contentHash, manifestBucketsOf } from '../../core/diff/index.js';
import type { ResourceKind } from '../../core/diff/index.js';
import type { Flag, Segment, TenantState } from '../../core/model/index.js';
import type { StateManifest } from '../../core/model/schema-types.js';
import { json, startStub, type StubServer } from './support/stub-server.js';

const ENVIRONMENTS = [{ key: 'production' }];

/** A small state: flags and segments drawn from a few keys and two contents each. */
const state = fc
  .record({
    flags: fc.dictionary(fc.constantFrom(...Array.from({ length: 40 }, (_, i) => `f${i}`)), fc.constantFrom('a', 'b')),
    segments: fc.dictionary(fc.constantFrom('s1', 's2', 's3'), fc.constantFrom('a', 'b')),
  })
  .map(
    ({ flags, segments }): TenantState => ({
      tenant: 'acme',
      environments: ENVIRONMENTS,
      flags: Object.entries(flags).map(([key, description]) => ({ key, description, variations: { on: true, off: false }, environments: {} }) as unknown as Flag),
      segments: Object.entries(segments).map(([key, description]) => ({ key, description, rules: [] }) as unknown as Segment),
    }),
  );

const documentsOf = (s: TenantState): [ResourceKind, { key: string }[]][] => [
  ['environment', s.environments],
  ['flag', s.flags],
  ['segment', s.segments],
];

/** The server's whole manifest of a state (GET /v1/state/manifest). */
function wholeManifest(s: TenantState): StateManifest {
  const m: StateManifest = { tenant: s.tenant, revision: 7, environments: {}, flags: {}, segments: {}, experiments: {} };
  for (const [kind, docs] of documentsOf(s)) for (const d of docs) (m[MANIFEST_FIELD[kind]] as Record<string, string>)[d.key] = contentHash(d);
  return m;
}

/** What the server answers POST /v1/state/manifest with, given the client's digests (server/features/state/manifest.ts, without the JSON). */
function bucketedManifest(s: TenantState, theirs: readonly string[]): StateManifest {
  const held = new ManifestBuckets();
  for (const [kind, docs] of documentsOf(s)) for (const d of docs) held.set(kind, d.key, contentHash(d));
  const buckets = held.differing(theirs);
  const m: StateManifest = { tenant: s.tenant, revision: 7, environments: {}, flags: {}, segments: {}, experiments: {}, buckets };
  for (const b of buckets) for (const { kind, key, hash } of held.documents(b)) (m[MANIFEST_FIELD[kind]] as Record<string, string>)[key] = hash;
  return m;
}

const digestsOf = (s: TenantState): string[] => manifestBucketsOf(s).digestList();

const sorted = (d: Awaited<ReturnType<typeof deltaOf>>) => ({
  upsert: { flags: d.upsert.flags.map((f) => f.key).sort(), segments: d.upsert.segments.map((x) => x.key).sort() },
  delete: { flags: [...d.delete.flags].sort(), segments: [...d.delete.segments].sort() },
});

describe('the delta ff plan and ff apply send', () => {
  it('is the same against the manifest in buckets as against the whole manifest', async () => {
    await fc.assert(
      fc.asyncProperty(state, state, async (server, files) => {
        const byBuckets = await deltaOf(files, bucketedManifest(server, digestsOf(files)));
        const byWhole = await deltaOf(files, wholeManifest(server));
        expect(sorted(byBuckets)).toEqual(sorted(byWhole));
        // …and it is the real difference: what the files change, nothing else.
        const serverHashes = wholeManifest(server).flags;
        expect(sorted(byWhole).upsert.flags).toEqual(files.flags.filter((f) => serverHashes[f.key] !== contentHash(f)).map((f) => f.key).sort());
      }),
      { numRuns: 200 },
    );
  });
});

describe('fetchManifest', () => {
  let stub: StubServer | undefined;
  afterEach(async () => {
    await stub?.close();
    stub = undefined;
  });
  const files: TenantState = { tenant: 'acme', environments: ENVIRONMENTS, flags: [], segments: [] };

  it('posts one digest per bucket and takes the buckets the server lists', async () => {
    const answer = { tenant: 'acme', revision: 3, environments: {}, flags: {}, segments: {}, buckets: [] };
    stub = await startStub((_req, res) => json(res, 200, answer));
    const m = await fetchManifest(new ApiClient({ server: stub.url, token: 't', timeoutMs: 5_000 }), 'acme', files);
    expect(m).toEqual(answer);
    expect(stub.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /v1/state/manifest']);
    expect(JSON.parse(stub.requests[0]?.body ?? '{}')).toEqual({ buckets: digestsOf(files) });
  });

  it('falls back to the whole manifest on a server older than the bucketed one (404)', async () => {
    const whole = { tenant: 'acme', revision: 3, environments: {}, flags: { old: 'sha256:00' }, segments: {} };
    stub = await startStub((req, res) =>
      req.method === 'POST' ? json(res, 404, { error: { code: 'NOT_FOUND', message: 'Route POST:/v1/state/manifest not found', details: [] } }) : json(res, 200, whole),
    );
    const m = await fetchManifest(new ApiClient({ server: stub.url, token: 't', timeoutMs: 5_000 }), 'acme', files);
    expect(m).toEqual(whole);
    expect(stub.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /v1/state/manifest', 'GET /v1/state/manifest']);
    // The whole manifest speaks for every document: the server's flag the files lack is a delete.
    expect((await deltaOf(files, m)).delete.flags).toEqual(['old']);
  });

  it('does not fall back on any other refusal', async () => {
    stub = await startStub((_req, res) => json(res, 403, { error: { code: 'FORBIDDEN', message: 'no', details: [] } }));
    await expect(fetchManifest(new ApiClient({ server: stub.url, token: 't', timeoutMs: 5_000 }), 'acme', files)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(stub.requests).toHaveLength(1);
  });
});
