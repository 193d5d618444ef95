import type { TenantState } from '../../../core/model/index.js';
import { ApiError, notFound } from '../../errors.js';
import { checkIfMatch, etagFor } from '../../http/etag.js';
import type { Stores } from '../../stores.js';
import { sameJson } from '../../util/canonical-json.js';
import { affectedEnvironments } from '../state/affected-environments.js';
import { readTenantState } from '../state/read-state.js';
import { recordChanges } from '../state/record-changes.js';
import type { ChangeAction } from '../state/revision-store.js';
import type { StateListener } from '../state/state-listener.js';
import { assertValidState } from '../state/validate-state.js';
import type { WriteContext } from '../state/write-context.js';
import type { KindSpec } from './kind-spec.js';
import type { DocumentKind, DocumentListQuery, DocumentOf, DocumentStore, DriftMark, StoredDocument } from './types.js';

export interface WriteOptions {
  /** If-Match header value, when sent. */
  ifMatch?: string;
  /** Allow a REST write to a resource managed by Git (it becomes drift). */
  force?: boolean;
}

/**
 * CRUD for one document kind. Every write: one transaction that re-reads the
 * tenant's state, applies the change, validates the whole result, bumps the
 * revision, writes the row, the revision and the audit row; the in-memory
 * index is told after commit.
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

  list(tenant: string, query: DocumentListQuery): StoredDocument<DocumentOf[K]>[] {
    return this.store.list(tenant, query);
  }

  get(tenant: string, key: string): StoredDocument<DocumentOf[K]> {
    const found = this.store.get(tenant, key);
    if (!found) throw notFound(this.spec.label);
    return found;
  }

  create(ctx: WriteContext, tenant: string, doc: DocumentOf[K]): StoredDocument<DocumentOf[K]> {
    return this.stores.transaction(() => {
      this.stores.tenants.ensure(tenant, ctx.now);
      const existing = this.store.get(tenant, doc.key);
      if (existing) {
        const hint = existing.archivedAt ? '; it is archived: restore it instead' : '';
        throw new ApiError(409, 'ALREADY_EXISTS', `a ${this.spec.label} with this key already exists${hint}`);
      }
      return this.commit(ctx, tenant, doc.key, 'create', null, doc, (revision) =>
        this.store.insert({
          tenant,
          key: doc.key,
          doc,
          revision,
          managedBy: 'api',
          gitCommit: null,
          drift: driftOf(ctx),
          at: ctx.now,
          by: ctx.actor,
        }),
      );
    });
  }

  update(ctx: WriteContext, tenant: string, key: string, doc: DocumentOf[K], opts: WriteOptions): StoredDocument<DocumentOf[K]> {
    if (doc.key !== key) {
      throw new ApiError(422, 'KEY_MISMATCH', 'the key in the body differs from the key in the URL', [
        { code: 'KEY_MISMATCH', message: 'renaming is not supported: create the new key and archive the old one', path: '/key' },
      ]);
    }
    return this.stores.transaction(() => {
      const current = this.writable(tenant, key, opts, true);
      if (current.archivedAt !== null) {
        throw new ApiError(409, 'RESOURCE_ARCHIVED', `the ${this.spec.label} is archived: restore it before updating`);
      }
      if (sameJson(current.doc, doc)) return current; // nothing to do: no revision, no audit row
      return this.commit(ctx, tenant, key, 'update', current.doc, doc, (revision) =>
        this.store.update(tenant, key, { doc, revision, at: ctx.now, by: ctx.actor, drift: driftOf(ctx) }),
      );
    });
  }

  archive(ctx: WriteContext, tenant: string, key: string, opts: WriteOptions): StoredDocument<DocumentOf[K]> {
    return this.stores.transaction(() => {
      const current = this.writable(tenant, key, opts, false);
      if (current.archivedAt !== null) return current; // archiving twice is a no-op
      this.spec.beforeArchive?.(this.stores, tenant, key);
      return this.commit(ctx, tenant, key, 'archive', current.doc, null, (revision) =>
        this.store.update(tenant, key, { archived: { at: ctx.now, by: ctx.actor }, revision, at: ctx.now, by: ctx.actor, drift: driftOf(ctx) }),
      );
    });
  }

  restore(ctx: WriteContext, tenant: string, key: string, opts: WriteOptions): StoredDocument<DocumentOf[K]> {
    return this.stores.transaction(() => {
      const current = this.writable(tenant, key, opts, false);
      if (current.archivedAt === null) return current;
      return this.commit(ctx, tenant, key, 'restore', null, current.doc, (revision) =>
        this.store.update(tenant, key, { archived: null, revision, at: ctx.now, by: ctx.actor, drift: driftOf(ctx) }),
      );
    });
  }

  /** Loads the row and applies the preconditions every write shares. */
  private writable(tenant: string, key: string, opts: WriteOptions, requireIfMatch: boolean) {
    const current = this.get(tenant, key);
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
    return current;
  }

  /**
   * The shared tail of every write: validate the resulting state, bump the
   * revision, write the row (the callback), record revision + audit, and
   * queue the index swap for after commit. `next` null = leaves the state.
   */
  private commit(
    ctx: WriteContext,
    tenant: string,
    key: string,
    action: ChangeAction,
    before: DocumentOf[K] | null,
    next: DocumentOf[K] | null,
    writeRow: (revision: number) => StoredDocument<DocumentOf[K]>,
  ): StoredDocument<DocumentOf[K]> {
    const loaded = readTenantState(this.stores, tenant);
    if (!loaded) throw notFound('tenant');
    const state = withDocument(loaded.state, this.spec.stateField, key, next);
    assertValidState(state, { kind: this.spec.kind, key });
    const revision = this.stores.tenants.bumpRevision(tenant, ctx.now);
    const stored = writeRow(revision);
    const envs = state.environments.map((e) => e.key);
    const environments = affectedEnvironments(this.spec.kind, key, before, next, envs);
    recordChanges(this.stores, tenant, revision, ctx, [{ resource: this.spec.kind, key, action, before, after: next, environments }]);
    this.stores.afterCommit(() => this.listener.stateCommitted(tenant, state, revision));
    return stored;
  }
}

/**
 * Every REST write is a change made outside Git, forced onto a Git-managed
 * resource or to one Git never managed: drift, until the next apply.
 */
const driftOf = (ctx: WriteContext): DriftMark => ({ source: ctx.source, actor: ctx.actor, at: ctx.now });

/** The state with one document replaced, added (at the end) or removed (`doc` null). */
function withDocument(
  state: TenantState,
  field: 'environments' | 'flags' | 'segments',
  key: string,
  doc: unknown,
): TenantState {
  const list = state[field] as { key: string }[];
  const index = list.findIndex((d) => d.key === key);
  let next: { key: string }[];
  if (doc === null) next = list.filter((d) => d.key !== key);
  else if (index === -1) next = [...list, doc as { key: string }];
  else next = list.map((d, i) => (i === index ? (doc as { key: string }) : d));
  return { ...state, [field]: next };
}
