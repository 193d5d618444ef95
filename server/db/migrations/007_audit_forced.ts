import type { Migration } from '../migrate.js';

// A forced write (?force=true onto a resource Git manages: the console's
// break-glass) is marked on its audit rows, so the trail tells an override of
// Git from an ordinary REST write. 0/1; rows written before are 0.
export const m007AuditForced: Migration = {
  version: 7,
  name: 'audit_forced',
  sql: 'ALTER TABLE audit ADD COLUMN forced INTEGER NOT NULL DEFAULT 0 CHECK (forced IN (0, 1));',
};
