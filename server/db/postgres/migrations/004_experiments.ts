import type { PgMigration } from '../migrate.js';
import { documentTable } from './001_initial.js';

// The SQLite migration 006 for PostgreSQL: experiments as documents, their
// exposures, metric events and allocations (see that migration for what each
// holds). Times are epoch milliseconds (bigint: the pool parses int8 to a JS
// number); keys collate "C" as everywhere else.
export const pg004Experiments: PgMigration = {
  version: 4,
  name: 'experiments',
  sql: `
${documentTable('experiments')}

CREATE TABLE exposures (
  tenant      text    COLLATE "C" NOT NULL,
  experiment  text    COLLATE "C" NOT NULL,
  unit        text    COLLATE "C" NOT NULL,
  variant     text    COLLATE "C" NOT NULL,
  environment text    COLLATE "C" NOT NULL,
  revision    bigint  NOT NULL,
  commit_sha  text,
  first_at    bigint  NOT NULL,
  source      text    NOT NULL CHECK (source IN ('server', 'sdk')),
  PRIMARY KEY (tenant, experiment, unit, variant)
);
CREATE INDEX exposures_first_at ON exposures (first_at);

CREATE TABLE metric_events (
  tenant      text    COLLATE "C" NOT NULL,
  id          text    COLLATE "C" NOT NULL,
  environment text    COLLATE "C" NOT NULL,
  event       text    COLLATE "C" NOT NULL,
  unit        text    COLLATE "C" NOT NULL,
  value       double precision,
  ts          bigint  NOT NULL,
  received_at bigint  NOT NULL,
  PRIMARY KEY (tenant, id)
);
CREATE INDEX metric_events_unit ON metric_events (tenant, environment, event, unit, ts, value);
CREATE INDEX metric_events_received ON metric_events (received_at);

CREATE TABLE experiment_allocations (
  tenant      text    COLLATE "C" NOT NULL,
  experiment  text    COLLATE "C" NOT NULL,
  revision    bigint  NOT NULL,
  environment text    COLLATE "C" NOT NULL,
  weights     json    NOT NULL,
  commit_sha  text,
  first_seen  bigint  NOT NULL,
  PRIMARY KEY (tenant, experiment, revision)
);

ALTER TABLE audit DROP CONSTRAINT audit_resource_check;
ALTER TABLE audit ADD CONSTRAINT audit_resource_check CHECK (resource IN ('environment', 'flag', 'segment', 'experiment', 'api_key', 'tenant'));
`,
};
