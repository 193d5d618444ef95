import type { PgMigration } from '../migrate.js';

// The usage table of the SQLite migration 004, with the same choices as 001
// (ISO-8601 text times, "C" collation for keys). One row per tenant,
// environment, flag and UTC day; every replica's flush adds to it (upsert).
export const pg002Usage: PgMigration = {
  version: 2,
  name: 'usage',
  sql: `
CREATE TABLE usage_days (
  tenant      text    COLLATE "C" NOT NULL,
  environment text    COLLATE "C" NOT NULL,
  flag        text    COLLATE "C" NOT NULL,
  day         text    COLLATE "C" NOT NULL,    -- YYYY-MM-DD, UTC
  count       bigint  NOT NULL CHECK (count >= 0),
  last_at     text    NOT NULL,                -- ISO-8601 time of the latest evaluation that day
  PRIMARY KEY (tenant, environment, flag, day)
);
CREATE INDEX usage_days_day ON usage_days (day);
`,
};
