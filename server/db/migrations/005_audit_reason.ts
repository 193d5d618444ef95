import type { Migration } from '../migrate.js';

// Why a change was made, when the writer said (the console's break-glass
// requires one; any REST write may send X-Change-Reason). NULL: not given.
export const m005AuditReason: Migration = {
  version: 5,
  name: 'audit_reason',
  sql: 'ALTER TABLE audit ADD COLUMN reason TEXT;',
};
