import { MANIFEST_FIELD, MANIFEST_KINDS, ManifestBuckets } from '../../../core/diff/manifest-buckets.js';
import type { Stores } from '../../stores.js';
import type { DocumentKind } from '../documents/types.js';
import { storeOf } from './store-of.js';

/** Further behind than this, reading every hash again is as cheap. */
const MAX_CATCH_UP = 1_000;

interface Held {
  revision: number;
  /** Per kind, key → its `"key":"hash"` member of the JSON object (serializing is a join). */
  members: Record<DocumentKind, Map<string, string>>;
  /** The same hashes in buckets, for POST /v1/state/manifest. */
  buckets: ManifestBuckets;
  body: string;
}

// A hash is "sha256:" and hex digits: nothing in it needs escaping.
const member = (key: string, hash: string) => `${JSON.stringify(key)}:"${hash}"`;

/**
 * GET /v1/state/manifest: the revision and every active document's content
 * hash, so `ff plan` and `ff apply` learn the revision and send only what
 * differs instead of the whole state. Read once from the hash columns (no
 * document is parsed), then kept up to date like the index: the revisions
 * log says which keys a newer revision touched, and only their hashes are
 * read. Serialized once per revision. Reads happen inside one read
 * transaction, so they belong to one revision.
 *
 * POST /v1/state/manifest: the same, for only the buckets whose digest
 * differs from the client's (core/diff ManifestBuckets), so a one-flag
 * change costs one bucket's worth whatever the tenant's size.
 */
export class ManifestService {
  private readonly held = new Map<string, Held>();

  constructor(private readonly stores: Stores) {}

  /** The manifest as JSON text. */
  manifest(tenant: string): Promise<string> {
    return this.stores.read(async () => (await this.current(tenant)).body);
  }

  /**
   * The manifest of the buckets whose digest is not `theirs` (one per
   * bucket, in bucket order), as JSON text: StateManifest with `buckets`.
   */
  differing(tenant: string, theirs: readonly string[]): Promise<string> {
    return this.stores.read(async () => {
      const held = await this.current(tenant);
      const buckets = held.buckets.differing(theirs);
      const members = emptyMembers();
      for (const b of buckets) {
        for (const { kind, key } of held.buckets.documents(b)) members[kind].set(key, held.members[kind].get(key) as string);
      }
      return serialize(tenant, held.revision, members, buckets);
    });
  }

  /** What is held for the tenant, brought to its current revision; call inside a read transaction. */
  private async current(tenant: string): Promise<Held> {
    const revision = (await this.stores.tenants.get(tenant))?.revision ?? 0;
    let held = this.held.get(tenant);
    if (held?.revision === revision) return held;
    held = (held && (await this.caughtUp(tenant, held, revision))) ?? (await this.readAll(tenant, revision));
    this.held.set(tenant, held);
    return held;
  }

  private async readAll(tenant: string, revision: number): Promise<Held> {
    const members = emptyMembers();
    const buckets = new ManifestBuckets();
    for (const kind of MANIFEST_KINDS) {
      for (const [key, hash] of Object.entries(await storeOf(this.stores, kind).activeHashes(tenant))) {
        members[kind].set(key, member(key, hash));
        buckets.set(kind, key, hash);
      }
    }
    return { revision, members, buckets, body: serialize(tenant, revision, members) };
  }

  /**
   * Updates `held` in place to `revision` (this class owns it; a failure
   * half-way leaves its revision behind, so the next call redoes the same,
   * idempotent, updates).
   */
  private async caughtUp(tenant: string, held: Held, revision: number): Promise<Held | undefined> {
    const behind = revision - held.revision;
    if (behind <= 0 || behind > MAX_CATCH_UP) return undefined;
    const log = await this.stores.revisions.since(tenant, held.revision, behind + 1);
    if (log.length !== behind) return undefined;
    for (const entry of log) {
      for (const change of entry.changes) {
        const row = await storeOf(this.stores, change.resource).get(tenant, change.key);
        if (row && row.archivedAt === null && row.hash !== null) {
          held.members[change.resource].set(change.key, member(change.key, row.hash));
          held.buckets.set(change.resource, change.key, row.hash);
        } else {
          held.members[change.resource].delete(change.key);
          held.buckets.delete(change.resource, change.key);
        }
      }
    }
    held.revision = revision;
    held.body = serialize(tenant, revision, held.members);
    return held;
  }
}

const emptyMembers = (): Held['members'] => ({ environment: new Map(), flag: new Map(), segment: new Map(), experiment: new Map() });

/** StateManifest as JSON, joined from the members (key order carries no meaning); `buckets` when it lists only those. */
function serialize(tenant: string, revision: number, members: Held['members'], buckets?: readonly number[]): string {
  const parts: string[] = [`{"tenant":${JSON.stringify(tenant)},"revision":${revision}`];
  for (const kind of MANIFEST_KINDS) parts.push(`${JSON.stringify(MANIFEST_FIELD[kind])}:{${[...members[kind].values()].join(',')}}`);
  if (buckets !== undefined) parts.push(`"buckets":[${buckets.join(',')}]`);
  return `${parts.join(',')}}`;
}
