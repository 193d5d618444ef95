import type { PgMigration } from '../migrate.js';

// As SQLite's migration 5: the reason a writer gave for a change (X-Change-Reason), NULL when none.
export const pg003AuditReason: PgMigration = {
  version: 3,
  name: 'audit_reason',
  sql: 'ALTER TABLE audit ADD COLUMN reason text;',
};
