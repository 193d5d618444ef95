import type { PgMigration } from '../migrate.js';

// As SQLite's migration 4: the reason a writer gave for a change (X-Change-Reason), NULL when none.
export const pg002AuditReason: PgMigration = {
  version: 2,
  name: 'audit_reason',
  sql: 'ALTER TABLE audit ADD COLUMN reason text;',
};
