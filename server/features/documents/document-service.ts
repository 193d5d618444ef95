import { ApiError, notFound } from '../../errors.js';
import { checkIfMatch, etagFor } from '../../http/etag.js';
import type { Stores } from '../../stores.js';
import { noUpdates, patchState } from '../state/patch-state.js';
import type { StateListener } from '../state/state-listener.js';
import type { WriteContext } from '../state/write-context.js';
import { writeTenant, type TenantBase } from '../state/write-tenant.js';
import type { KindSpec } from './kind-spec.js';
import type { DocumentKind, DocumentListQuery, DocumentOf, DocumentStore, DriftMark, StoredDocument } from './types.js';

export interface WriteOptions {
  /** If-Match header value, when sent. */
  ifMatch?: string;
  /** Allow a REST write to a resource managed by Git (it becomes drift). */
  force?: boolean;
}

/**
 * CRUD for one document kind. Every write goes through the tenant's one
 * write path (writeTenant) as the state with this one document set or
 * removed: planned, validated where it changed, written with its revision
 * and audit row in one transaction; the index recompiles it after commit.
 */
export class DocumentService<K extends DocumentKind> {
  private readonly store: DocumentStore<DocumentOf[K]>;

  constructor(
    private readonly spec: KindSpec<K>,
    private readonly stores: Stores,
    private readonly listener: StateListener,
  ) {
    this.store = spec.store(stores);
  }

  list(tenant: string, query: DocumentListQuery): Promise<StoredDocument<DocumentOf[K]>[]> {
    return this.store.list(tenant, query);
  }

  async get(tenant: string, key: string): Promise<StoredDocument<DocumentOf[K]>> {
    const found = await this.store.get(tenant, key);
    if (!found) throw notFound(this.spec.label);
    return found;
  }

  create(ctx: WriteContext, tenant: string, doc: DocumentOf[K]): Promise<StoredDocument<DocumentOf[K]>> {
    return this.write(ctx, tenant, doc.key, async (base) => {
      const existing = await base.stored(this.spec.kind, doc.key);
      if (existing) {
        const hint = existing.archivedAt ? '; it is archived: restore it instead' : '';
        throw new ApiError(409, 'ALREADY_EXISTS', `a ${this.spec.label} with this key already exists${hint}`);
      }
      return doc;
    });
  }

  async update(ctx: WriteContext, tenant: string, key: string, doc: DocumentOf[K], opts: WriteOptions): Promise<StoredDocument<DocumentOf[K]>> {
    if (doc.key !== key) {
      throw new ApiError(422, 'KEY_MISMATCH', 'the key in the body differs from the key in the URL', [
        { code: 'KEY_MISMATCH', message: 'renaming is not supported: create the new key and archive the old one', path: '/key' },
      ]);
    }
    return this.write(ctx, tenant, key, async (base, forcing) => {
      const current = await this.writable(base, key, opts, true, forcing);
      if (current.archivedAt !== null) {
        throw new ApiError(409, 'RESOURCE_ARCHIVED', `the ${this.spec.label} is archived: restore it before updating`);
      }
      return doc;
    });
  }

  archive(ctx: WriteContext, tenant: string, key: string, opts: WriteOptions): Promise<StoredDocument<DocumentOf[K]>> {
    return this.write(ctx, tenant, key, async (base, forcing) => {
      const current = await this.writable(base, key, opts, false, forcing);
      if (current.archivedAt !== null) return null; // archiving twice is a no-op
      await this.spec.beforeArchive?.(this.stores, tenant, key);
      return null;
    });
  }

  restore(ctx: WriteContext, tenant: string, key: string, opts: WriteOptions): Promise<StoredDocument<DocumentOf[K]>> {
    return this.write(ctx, tenant, key, async (base, forcing) => {
      const current = await this.writable(base, key, opts, false, forcing);
      return current.doc as DocumentOf[K];
    });
  }

  /**
   * Every REST write: through the one write path (writeTenant), with the
   * tenant state that results from setting (a document) or removing (null)
   * this one document, as `next` says after checking the write's
   * preconditions against the stored row. Nothing to change (the same
   * document again, archiving twice) writes nothing: no revision, no audit row.
   */
  private async write(
    ctx: WriteContext,
    tenant: string,
    key: string,
    next: (base: TenantBase, forcing: () => void) => Promise<DocumentOf[K] | null>,
  ): Promise<StoredDocument<DocumentOf[K]>> {
    const kind = this.spec.kind;
    await writeTenant(this.stores, this.listener, {
      tenant,
      ctx,
      desire: async (base) => {
        let forced = false;
        const doc = await next(base, () => (forced = true));
        const updates = noUpdates();
        updates[kind].set(key, doc ?? undefined);
        return { state: patchState(base.state, updates, undefined), candidates: { [kind]: new Set([key]) }, forced };
      },
      scope: null,
      removal: 'archive',
      marks: { drift: driftOf(ctx), clearUnchangedDrift: false },
      invalid: { code: 'SEMANTIC_VALIDATION_FAILED', focus: { kind, key } },
    });
    return this.get(tenant, key);
  }

  /**
   * The stored row, and the preconditions every write to an existing
   * document shares; `forcing` hears when the write goes through only
   * because of ?force=true (the resource is Git's).
   */
  private async writable(base: TenantBase, key: string, opts: WriteOptions, requireIfMatch: boolean, forcing: () => void): Promise<StoredDocument> {
    const current = await base.stored(this.spec.kind, key);
    if (!current) throw notFound(this.spec.label);
    checkIfMatch(opts.ifMatch, etagFor(current.revision), requireIfMatch);
    if (current.managedBy === 'git' && !opts.force) {
      const commit = current.gitCommit ? ` (commit ${current.gitCommit.slice(0, 12)})` : '';
      throw new ApiError(
        409,
        'MANAGED_BY_GIT',
        `the ${this.spec.label} is managed by Git${commit}: change it in the repository, or pass force=true to record drift`,
        [{ code: 'MANAGED_BY_GIT', message: 'managed by Git', commit: current.gitCommit }],
      );
    }
    if (current.managedBy === 'git') forcing();
    return current;
  }
}

/**
 * Every REST write is a change made outside Git, forced onto a Git-managed
 * resource or to one Git never managed: drift, until the next apply.
 */
const driftOf = (ctx: WriteContext): DriftMark => ({ source: ctx.source, actor: ctx.actor, at: ctx.now });
