import type { StoredDocument } from './types.js';

/** The API representation of a stored document: the schema document as `data`, bookkeeping as `meta`. */
export function toDocumentView<D>(stored: StoredDocument<D>) {
  return {
    data: stored.doc,
    meta: {
      version: stored.version,
      revision: stored.revision,
      archived: stored.archivedAt !== null,
      archived_at: stored.archivedAt,
      archived_by: stored.archivedBy,
      managed_by: stored.managedBy,
      git_commit: stored.gitCommit,
      drift: stored.drift === null ? null : { ...stored.drift },
      created_at: stored.createdAt,
      created_by: stored.createdBy,
      updated_at: stored.updatedAt,
      updated_by: stored.updatedBy,
    },
  };
}
