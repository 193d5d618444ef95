import type { Database as Db } from 'better-sqlite3';
import { documentHash } from '../../../core/diff/index.js';
import type { Migration } from '../migrate.js';

// Every document row carries the content hash of its document (core/diff
// documentHash: sha256 of the canonical JSON). Diffing a whole desired state
// against the stored one compares hashes instead of deserializing and
// canonicalizing every stored document, and GET /v1/state/manifest serves
// them so the CLI sends only what differs.
const TABLES = ['environments', 'flags', 'segments'] as const;

function backfill(db: Db): void {
  for (const table of TABLES) {
    const rows = db.prepare<[], { id: number; doc: string }>(`SELECT id, doc FROM ${table}`).all();
    const set = db.prepare<[string, number]>(`UPDATE ${table} SET hash = ? WHERE id = ?`);
    for (const row of rows) set.run(documentHash(JSON.parse(row.doc) as object), row.id);
  }
}

export const m003ContentHash: Migration = {
  version: 3,
  name: 'content_hash',
  sql: TABLES.map(
    (t) => `ALTER TABLE ${t} ADD COLUMN hash TEXT;
-- A whole-tenant apply clears the drift of every row in one UPDATE: this keeps
-- it to the rows that have drift instead of a scan of the tenant.
CREATE INDEX ${t}_drifted ON ${t} (tenant) WHERE drift_source IS NOT NULL;`,
  ).join('\n'),
  run: backfill,
};
