import type { Environment, Experiment, Flag, Segment } from '../../../core/model/index.js';

/** The resources that make up a tenant's state (experiments ride along: they name what to measure). */
export type DocumentKind = 'environment' | 'flag' | 'segment' | 'experiment';

export interface DocumentOf {
  environment: Environment;
  flag: Flag;
  segment: Segment;
  experiment: Experiment;
}

export type ManagedBy = 'api' | 'git';

/** A change made outside Git since the last apply: shown in plans, cleared by an apply. */
export interface DriftMark {
  source: string;
  actor: string;
  at: string;
}

/** One row of environments/flags/segments: the schema document plus bookkeeping. */
export interface StoredDocument<D = unknown> {
  tenant: string;
  key: string;
  doc: D;
  /** Content hash of `doc` (core/diff documentHash); null only for a row no write has touched since before hashes existed. */
  hash: string | null;
  version: number;
  /** Tenant revision of the last change to this row; the ETag. */
  revision: number;
  archivedAt: string | null;
  archivedBy: string | null;
  managedBy: ManagedBy;
  gitCommit: string | null;
  /** Null when the row is what Git (or seed) last wrote. */
  drift: DriftMark | null;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

export type ListState = 'active' | 'archived' | 'all';

export interface DocumentListQuery {
  state: ListState;
  /** Case-insensitive substring of key, description (and name for environments). */
  q?: string;
  /** Flags only: has this tag. */
  tag?: string;
  /** Keyset pagination: keys strictly greater than this. */
  afterKey?: string;
  limit: number;
}

export interface NewDocumentRow<D> {
  tenant: string;
  key: string;
  doc: D;
  revision: number;
  managedBy: ManagedBy;
  gitCommit: string | null;
  /** Absent: none (a row written from files). */
  drift?: DriftMark | null;
  at: string;
  by: string;
}

export interface DocumentChange<D> {
  doc?: D;
  archived?: { at: string; by: string } | null;
  managedBy?: ManagedBy;
  gitCommit?: string | null;
  /** undefined: leave as is; null: clear. */
  drift?: DriftMark | null;
  revision: number;
  at: string;
  by: string;
}

export interface Ownership {
  managedBy: ManagedBy;
  gitCommit: string | null;
  drift: DriftMark | null;
}

/** Storage of one document kind (SQLite and PostgreSQL implement it). */
export interface DocumentStore<D> {
  readonly kind: DocumentKind;
  get(tenant: string, key: string): Promise<StoredDocument<D> | undefined>;
  /** The stored rows of these keys (archived included) that exist, in no particular order: one read for many keys. */
  getMany(tenant: string, keys: readonly string[]): Promise<StoredDocument<D>[]>;
  list(tenant: string, query: DocumentListQuery): Promise<StoredDocument<D>[]>;
  /** Every row of the tenant (active and archived), in state order. */
  all(tenant: string): Promise<StoredDocument<D>[]>;
  insert(row: NewDocumentRow<D>): Promise<StoredDocument<D>>;
  /**
   * Inserts these rows in order (environments take the next positions in
   * that order): the rows `insert` would write, in as few statements as the
   * store can (PostgreSQL: one per call, whatever the count).
   */
  insertMany(rows: readonly NewDocumentRow<D>[]): Promise<void>;
  update(tenant: string, key: string, change: DocumentChange<D>): Promise<StoredDocument<D>>;
  /**
   * Ownership bookkeeping only (managed_by, git_commit, drift): no new
   * version, revision or updated_at, because the document did not change.
   */
  setOwnership(tenant: string, key: string, ownership: Ownership): Promise<void>;
  /** Hard delete (apply with allow_delete); REST only archives. */
  remove(tenant: string, key: string): Promise<void>;
  /** Hard delete of many keys at once (as `remove` of each). */
  removeMany(tenant: string, keys: readonly string[]): Promise<void>;
  /**
   * Forgets the drift of every active row of the tenant: after a whole-tenant
   * replace they all equal the files. Bookkeeping only, like setOwnership.
   */
  clearActiveDrift(tenant: string): Promise<void>;
  /** Key → content hash of every active document, in key order (GET /v1/state/manifest). */
  activeHashes(tenant: string): Promise<Record<string, string>>;
  /**
   * Environments only: these keys take positions 0, 1, … in this order (a
   * reorder of the declaration); rows not listed keep theirs. Bookkeeping of
   * order, no new version.
   */
  setOrder(tenant: string, keys: readonly string[]): Promise<void>;
}
