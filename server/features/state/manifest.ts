import type { StateManifest } from '../../../core/model/schema-types.js';
import type { Stores } from '../../stores.js';
import type { DocumentKind } from '../documents/types.js';
import { storeOf } from './store-of.js';

const KINDS = ['environment', 'flag', 'segment', 'experiment'] as const;
const FIELD = { environment: 'environments', flag: 'flags', segment: 'segments', experiment: 'experiments' } as const;
/** Further behind than this, reading every hash again is as cheap. */
const MAX_CATCH_UP = 1_000;

interface Held {
  revision: number;
  /** Per kind, key → its `"key":"hash"` member of the JSON object (serializing is a join). */
  members: Record<DocumentKind, Map<string, string>>;
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
 */
export class ManifestService {
  private readonly held = new Map<string, Held>();

  constructor(private readonly stores: Stores) {}

  /** The manifest as JSON text. */
  manifest(tenant: string): Promise<string> {
    return this.stores.read(async () => {
      const revision = (await this.stores.tenants.get(tenant))?.revision ?? 0;
      let held = this.held.get(tenant);
      if (held?.revision === revision) return held.body;
      held = (held && (await this.caughtUp(tenant, held, revision))) ?? (await this.readAll(tenant, revision));
      this.held.set(tenant, held);
      return held.body;
    });
  }

  private async readAll(tenant: string, revision: number): Promise<Held> {
    const members = {} as Held['members'];
    for (const kind of KINDS) {
      members[kind] = new Map(Object.entries(await storeOf(this.stores, kind).activeHashes(tenant)).map(([key, hash]) => [key, member(key, hash)]));
    }
    return { revision, members, body: serialize(tenant, revision, members) };
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
        if (row && row.archivedAt === null && row.hash !== null) held.members[change.resource].set(change.key, member(change.key, row.hash));
        else held.members[change.resource].delete(change.key);
      }
    }
    held.revision = revision;
    held.body = serialize(tenant, revision, held.members);
    return held;
  }
}

/** StateManifest as JSON, joined from the members (key order carries no meaning). */
function serialize(tenant: string, revision: number, members: Held['members']): string {
  const parts: string[] = [`{"tenant":${JSON.stringify(tenant)},"revision":${revision}`];
  for (const kind of KINDS) parts.push(`${JSON.stringify(FIELD[kind] satisfies keyof StateManifest)}:{${[...members[kind].values()].join(',')}}`);
  return `${parts.join(',')}}`;
}
