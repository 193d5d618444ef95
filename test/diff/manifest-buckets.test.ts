// The bucketed manifest is a protocol between the CLI and the server, which
// may be different releases: the bucket of a key and the digest of a bucket
// are pinned here, and a skipped bucket is proved to hide no difference.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MANIFEST_BUCKETS, ManifestBuckets, manifestBucket, manifestCovers } from '../../core/diff/index.js';
import type { ResourceKind } from '../../core/diff/index.js';

const readSchema = (name: string) => JSON.parse(readFileSync(new URL(`../../schemas/${name}`, import.meta.url), 'utf8')) as { properties: { buckets: { minItems?: number; maxItems?: number; items: { maximum?: number } } } };

describe('manifest buckets', () => {
  it('puts a key in the same bucket in every release (pinned values)', () => {
    expect(manifestBucket('flag', 'checkout')).toBe(51);
    expect(manifestBucket('segment', 'beta-testers')).toBe(163);
    expect(manifestBucket('flag', 'new-banner')).toBe(236);
    // The kind is part of the bucket's input: a flag and a segment of one key are two documents.
    expect(manifestBucket('flag', 'checkout')).not.toBe(manifestBucket('segment', 'checkout'));
  });

  it('has as many buckets as the request schema asks digests for', () => {
    const schema = readSchema('state-manifest-request.schema.json');
    expect(schema.properties.buckets.minItems).toBe(MANIFEST_BUCKETS);
    expect(schema.properties.buckets.maxItems).toBe(MANIFEST_BUCKETS);
    const response = readSchema('state-manifest.schema.json');
    expect(response.properties.buckets.items.maximum).toBe(MANIFEST_BUCKETS - 1);
  });

  it('digests an empty bucket as SHA-256 of nothing, and a bucket by its lines', () => {
    const b = new ManifestBuckets();
    const digests = b.digestList();
    expect(digests).toHaveLength(MANIFEST_BUCKETS);
    expect(new Set(digests)).toEqual(new Set(['e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']));
    b.set('flag', 'checkout', 'sha256:00');
    // sha256 of "flag\0checkout\0sha256:00\n"
    expect(b.digestList()[51]).toBe('6ffd2d4f5ebbb95eba1970ac2124e74bcfcf9c989088a9ee68586124546ce5af');
    expect(b.differing(digests)).toEqual([51]);
    expect([...b.documents(51)]).toEqual([{ kind: 'flag', key: 'checkout', hash: 'sha256:00' }]);
    b.delete('flag', 'checkout');
    expect(b.digestList()).toEqual(digests);
  });

  const kinds: ResourceKind[] = ['environment', 'flag', 'segment', 'experiment'];
  const entry = fc.record({ kind: fc.constantFrom(...kinds), key: fc.string({ minLength: 1, maxLength: 6 }), hash: fc.constantFrom('sha256:a', 'sha256:b', 'sha256:c') });

  it('gives the same digests whatever order the documents come in, and after any set/delete history', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 60 }), fc.array(fc.nat(), { maxLength: 20 }), (entries, drops) => {
        const a = new ManifestBuckets();
        for (const e of entries) a.set(e.kind, e.key, e.hash);
        const finalOf = new Map(entries.map((e) => [`${e.kind}:${e.key}`, e]));
        // Another history: reversed, with some documents deleted and set again.
        const b = new ManifestBuckets();
        for (const e of [...entries].reverse()) b.set(e.kind, e.key, 'sha256:other');
        for (const d of drops) {
          const e = entries[d % Math.max(entries.length, 1)];
          if (e) b.delete(e.kind, e.key);
        }
        for (const e of finalOf.values()) b.set(e.kind, e.key, e.hash);
        expect(b.digestList()).toEqual(a.digestList());
        expect(a.differing(b.digestList())).toEqual([]);
      }),
    );
  });

  it('never skips a bucket in which the two sides differ', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 80 }), fc.array(entry, { maxLength: 80 }), (server, client) => {
        const build = (entries: typeof server) => {
          const b = new ManifestBuckets();
          const map = new Map<string, string>();
          for (const e of entries) {
            b.set(e.kind, e.key, e.hash);
            map.set(`${e.kind}\u0000${e.key}`, e.hash);
          }
          return { b, map };
        };
        const s = build(server);
        const c = build(client);
        const listed = s.b.differing(c.b.digestList());
        const covers = manifestCovers({ buckets: listed });
        for (const id of new Set([...s.map.keys(), ...c.map.keys()])) {
          if (s.map.get(id) === c.map.get(id)) continue;
          const [kind, key] = id.split('\u0000') as [ResourceKind, string];
          expect(covers(kind, key)).toBe(true);
        }
        // What the server lists of those buckets is all it holds there.
        const sent = listed.flatMap((bucket) => [...s.b.documents(bucket)]);
        expect(sent.length).toBe([...s.map.keys()].filter((id) => listed.includes(manifestBucket(...(id.split('\u0000') as [ResourceKind, string])))).length);
      }),
    );
  });

  it('a whole manifest (no buckets) covers every document', () => {
    expect(manifestCovers({})('flag', 'anything')).toBe(true);
    expect(manifestCovers({ buckets: [] })('flag', 'anything')).toBe(false);
  });
});
