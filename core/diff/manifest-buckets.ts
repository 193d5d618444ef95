// A manifest in buckets, so a client and the server find which documents
// differ by exchanging one digest per bucket instead of one hash per
// document: POST /v1/state/manifest answers with the documents of the
// buckets whose digests differ, O(change) bytes and server time where
// GET /v1/state/manifest is O(tenant). Both sides run this code, so the
// bucket of a key and the digest of a bucket are defined once, here.
import { hash } from 'node:crypto';
import type { TenantState } from '../model/index.js';
import type { StateManifest } from '../model/schema-types.js';
import { contentHash } from './canonical.js';
import type { ResourceKind } from './plan.js';

/** The number of buckets; fixed by the protocol (schemas/state-manifest-request.schema.json says the same). */
export const MANIFEST_BUCKETS = 256;

type ManifestKind = ResourceKind;
export const MANIFEST_KINDS: readonly ResourceKind[] = ['environment', 'flag', 'segment', 'experiment'];
/** The StateManifest field of each kind. */
export const MANIFEST_FIELD = { environment: 'environments', flag: 'flags', segment: 'segments', experiment: 'experiments' } as const satisfies Record<
  ManifestKind,
  keyof StateManifest
>;

/**
 * The bucket of a document: FNV-1a (32-bit) over the UTF-16 code units of
 * "kind:key", reduced to the bucket count. It only spreads keys; what makes
 * a skipped bucket safe to skip is its SHA-256 digest.
 */
export function manifestBucket(kind: ManifestKind, key: string): number {
  const id = `${kind}:${key}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (h >>> 0) % MANIFEST_BUCKETS;
}

// A line per document; NUL cannot occur in a kind, a key or a hash, so lines cannot run into each other.
const SEP = '\u0000';

/**
 * Key → content hash per kind, kept in buckets, each with a digest: SHA-256
 * (hex) of its documents' `kind NUL key NUL hash` lines, newline-ended and
 * sorted by code unit. An empty bucket has a digest too. Updated a document
 * at a time; a changed bucket's digest is recomputed when next asked for.
 */
export class ManifestBuckets {
  private readonly entries: Map<string, string>[] = Array.from({ length: MANIFEST_BUCKETS }, () => new Map());
  private readonly digests: (string | undefined)[] = new Array<string | undefined>(MANIFEST_BUCKETS).fill(undefined);

  set(kind: ManifestKind, key: string, contentHash: string): void {
    const b = manifestBucket(kind, key);
    (this.entries[b] as Map<string, string>).set(`${kind}${SEP}${key}`, contentHash);
    this.digests[b] = undefined;
  }

  /** The content hash held for a document, or undefined. */
  get(kind: ManifestKind, key: string): string | undefined {
    return this.entries[manifestBucket(kind, key)]?.get(`${kind}${SEP}${key}`);
  }

  delete(kind: ManifestKind, key: string): void {
    const b = manifestBucket(kind, key);
    if ((this.entries[b] as Map<string, string>).delete(`${kind}${SEP}${key}`)) this.digests[b] = undefined;
  }

  /** The digest of every bucket, in bucket order (the body of POST /v1/state/manifest). */
  digestList(): string[] {
    return this.entries.map((_, b) => this.digest(b));
  }

  /** The buckets whose digest is not the one given (theirs[b] for bucket b), in bucket order. */
  differing(theirs: readonly string[]): number[] {
    const out: number[] = [];
    for (let b = 0; b < MANIFEST_BUCKETS; b++) if (theirs[b] !== this.digest(b)) out.push(b);
    return out;
  }

  /** The documents of one bucket. */
  *documents(bucket: number): Iterable<{ kind: ManifestKind; key: string; hash: string }> {
    for (const [id, contentHash] of this.entries[bucket] ?? []) {
      const at = id.indexOf(SEP);
      yield { kind: id.slice(0, at) as ManifestKind, key: id.slice(at + 1), hash: contentHash };
    }
  }

  private digest(b: number): string {
    let digest = this.digests[b];
    if (digest === undefined) {
      const lines = [...(this.entries[b] as Map<string, string>)].map(([id, h]) => `${id}${SEP}${h}\n`);
      // Default sort: by UTF-16 code unit, the same order on every JavaScript engine.
      digest = hash('sha256', lines.sort().join(''), 'hex');
      this.digests[b] = digest;
    }
    return digest;
  }
}

/** The buckets of a desired state, every document hashed (contentHash): what a client holds against the server's. */
export function manifestBucketsOf(state: TenantState): ManifestBuckets {
  const buckets = new ManifestBuckets();
  const add = (kind: ManifestKind, docs: readonly { key: string }[]) => {
    for (const doc of docs) buckets.set(kind, doc.key, contentHash(doc));
  };
  add('environment', state.environments);
  add('flag', state.flags);
  add('segment', state.segments);
  add('experiment', state.experiments ?? []);
  return buckets;
}

/** Whether a document is among those a manifest lists: every one of a whole manifest, those of its buckets otherwise. */
export function manifestCovers(manifest: Pick<StateManifest, 'buckets'>): (kind: ManifestKind, key: string) => boolean {
  if (manifest.buckets === undefined) return () => true;
  const listed = new Set(manifest.buckets);
  return (kind, key) => listed.has(manifestBucket(kind, key));
}
