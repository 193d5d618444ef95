import type { Environment, Flag, Segment } from '../../../core/model/index.js';

/** The three resources that make up a tenant's evaluated state. */
export type DocumentKind = 'environment' | 'flag' | 'segment';

export interface DocumentOf {
  environment: Environment;
  flag: Flag;
  segment: Segment;
}

export type ManagedBy = 'api' | 'git';

/** One row of environments/flags/segments: the schema document plus bookkeeping. */
export interface StoredDocument<D = unknown> {
  tenant: string;
  key: string;
  doc: D;
  version: number;
  /** Tenant revision of the last change to this row; the ETag. */
  revision: number;
  archivedAt: string | null;
  archivedBy: string | null;
  managedBy: ManagedBy;
  gitCommit: string | null;
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
  at: string;
  by: string;
}

export interface DocumentChange<D> {
  doc?: D;
  archived?: { at: string; by: string } | null;
  managedBy?: ManagedBy;
  gitCommit?: string | null;
  revision: number;
  at: string;
  by: string;
}

/** Storage of one document kind. Synchronous: better-sqlite3 transactions are. */
export interface DocumentStore<D> {
  readonly kind: DocumentKind;
  get(tenant: string, key: string): StoredDocument<D> | undefined;
  list(tenant: string, query: DocumentListQuery): StoredDocument<D>[];
  /** Every row of the tenant (active and archived), in state order. */
  all(tenant: string): StoredDocument<D>[];
  insert(row: NewDocumentRow<D>): StoredDocument<D>;
  update(tenant: string, key: string, change: DocumentChange<D>): StoredDocument<D>;
  /** Hard delete (apply with allow_delete); REST only archives. */
  remove(tenant: string, key: string): void;
}
