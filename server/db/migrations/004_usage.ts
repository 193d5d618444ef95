import type { Migration } from '../migrate.js';

// Evaluation counts per tenant, environment, flag and UTC day, flushed in the
// background by every server process (server/features/usage). Not part of any
// tenant's state: no revision, no audit, no foreign key to the documents (a
// deleted flag's history stays, and is what a restore would be judged by).
// Several processes add to the same row (upsert), so counts add up.
export const m004Usage: Migration = {
  version: 4,
  name: 'usage',
  sql: `CREATE TABLE usage_days (
  tenant      TEXT    NOT NULL,
  environment TEXT    NOT NULL,
  flag        TEXT    NOT NULL,
  day         TEXT    NOT NULL,                 -- YYYY-MM-DD, UTC
  count       INTEGER NOT NULL CHECK (count >= 0),
  last_at     TEXT    NOT NULL,                 -- ISO-8601 time of the latest evaluation that day
  PRIMARY KEY (tenant, environment, flag, day)
) WITHOUT ROWID;
CREATE INDEX usage_days_day ON usage_days (day);`,
};
