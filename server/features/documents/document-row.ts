// The stored form of a document row, shared by the SQLite and PostgreSQL
// stores: the same columns, mapped to StoredDocument in one place.
import { rememberDocumentHash } from '../../../core/diff/index.js';
import type { DocumentKind, DriftMark, ManagedBy, StoredDocument } from './types.js';

/** The table of each kind: a closed map, never from input. */
export const DOCUMENT_TABLES: Record<DocumentKind, string> = { environment: 'environments', flag: 'flags', segment: 'segments', experiment: 'experiments' };

export interface DocumentRow {
  tenant: string;
  key: string;
  doc: string;
  hash: string | null;
  version: number;
  revision: number;
  archived_at: string | null;
  archived_by: string | null;
  managed_by: ManagedBy;
  git_commit: string | null;
  drift_source: string | null;
  drift_actor: string | null;
  drift_at: string | null;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
}

export const DOCUMENT_COLUMNS =
  'tenant, key, doc, hash, version, revision, archived_at, archived_by, managed_by, git_commit, drift_source, drift_actor, drift_at, created_at, created_by, updated_at, updated_by';

const driftOf = (row: DocumentRow): DriftMark | null =>
  row.drift_source === null ? null : { source: row.drift_source, actor: row.drift_actor ?? '', at: row.drift_at ?? '' };

/** A drift mark as the three drift columns' parameters. */
export const driftParams = (drift: DriftMark | null | undefined) => ({
  driftSource: drift?.source ?? null,
  driftActor: drift?.actor ?? null,
  driftAt: drift?.at ?? null,
});

export function toStoredDocument<D>(row: DocumentRow): StoredDocument<D> {
  const doc = JSON.parse(row.doc) as D;
  // The stored hash was computed from this very content: comparing the parsed
  // document later (a plan, a manifest) costs no canonicalization.
  if (row.hash !== null) rememberDocumentHash(doc as object, row.hash);
  return {
    tenant: row.tenant,
    key: row.key,
    doc,
    hash: row.hash,
    version: row.version,
    revision: row.revision,
    archivedAt: row.archived_at,
    archivedBy: row.archived_by,
    managedBy: row.managed_by,
    gitCommit: row.git_commit,
    drift: driftOf(row),
    createdAt: row.created_at,
    createdBy: row.created_by,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
  };
}
