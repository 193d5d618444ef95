import type { PgMigration } from '../migrate.js';

// As SQLite's migration 7: 1 on the audit rows of a forced write (?force=true
// onto a resource Git manages), else 0. smallint 0/1 rather than boolean so a
// database copied from SQLite holds and hashes the same values.
export const pg005AuditForced: PgMigration = {
  version: 5,
  name: 'audit_forced',
  sql: 'ALTER TABLE audit ADD COLUMN forced smallint NOT NULL DEFAULT 0 CHECK (forced IN (0, 1));',
};
