import type { Migration } from '../migrate.js';

// Drift: the last change made to a resource outside Git — a REST
// write, forced or to a resource Git does not manage — who made it and when.
// The next plan shows it; an apply that writes the resource clears it.
const driftColumns = (table: string) => `
ALTER TABLE ${table} ADD COLUMN drift_source TEXT;   -- 'api' (NULL: no change outside Git since the last apply)
ALTER TABLE ${table} ADD COLUMN drift_actor  TEXT;
ALTER TABLE ${table} ADD COLUMN drift_at     TEXT;`;

export const m002Drift: Migration = {
  version: 2,
  name: 'drift',
  sql: [driftColumns('environments'), driftColumns('flags'), driftColumns('segments')].join('\n'),
};
