import type { Migration } from '../migrate.js';

// Experiments are documents of the tenant's state, like segments (same
// columns, same bookkeeping). What they measure lives beside them:
// - exposures: one row per (experiment, unit, variant), the earliest one; a
//   unit with two rows saw two variants and is excluded from results;
// - metric_events: what POST /v1/events and the SDK's track() send,
//   idempotent per (tenant, id);
// - experiment_allocations: the rollout weights in force at each revision an
//   exposure was recorded under, so results split where the allocation changed.
// Times here are epoch milliseconds (INTEGER): they are compared and
// subtracted in the results' SQL, never shown as stored.
// The audit table is rebuilt because its CHECK constraint lists the resources.
export const m006Experiments: Migration = {
  version: 6,
  name: 'experiments',
  sql: `
CREATE TABLE experiments (
  id           INTEGER PRIMARY KEY,
  tenant       TEXT    NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
  key          TEXT    NOT NULL,
  doc          TEXT    NOT NULL CHECK (json_valid(doc)),
  version      INTEGER NOT NULL DEFAULT 1,
  revision     INTEGER NOT NULL,
  archived_at  TEXT,
  archived_by  TEXT,
  managed_by   TEXT    NOT NULL DEFAULT 'api' CHECK (managed_by IN ('api', 'git')),
  git_commit   TEXT,
  created_at   TEXT    NOT NULL,
  created_by   TEXT    NOT NULL,
  updated_at   TEXT    NOT NULL,
  updated_by   TEXT    NOT NULL,
  drift_source TEXT,
  drift_actor  TEXT,
  drift_at     TEXT,
  hash         TEXT,
  UNIQUE (tenant, key)
);
CREATE INDEX experiments_drifted ON experiments (tenant) WHERE drift_source IS NOT NULL;

CREATE TABLE exposures (
  tenant      TEXT    NOT NULL,
  experiment  TEXT    NOT NULL,
  unit        TEXT    NOT NULL,
  variant     TEXT    NOT NULL,
  environment TEXT    NOT NULL,
  revision    INTEGER NOT NULL,   -- the configuration revision that served it
  commit_sha  TEXT,               -- the Git commit of the latest apply at or before that revision
  first_at    INTEGER NOT NULL,   -- epoch ms of the earliest exposure
  source      TEXT    NOT NULL CHECK (source IN ('server', 'sdk')),
  PRIMARY KEY (tenant, experiment, unit, variant)
) WITHOUT ROWID;
CREATE INDEX exposures_first_at ON exposures (first_at);

CREATE TABLE metric_events (
  tenant      TEXT    NOT NULL,
  id          TEXT    NOT NULL,   -- the sender's event id: a retried batch is recorded once
  environment TEXT    NOT NULL,
  event       TEXT    NOT NULL,   -- the event key a metric names
  unit        TEXT    NOT NULL,   -- the randomization unit's value
  value       REAL,
  ts          INTEGER NOT NULL,   -- epoch ms the event happened
  received_at INTEGER NOT NULL,   -- epoch ms it was stored (retention)
  PRIMARY KEY (tenant, id)
) WITHOUT ROWID;
-- Covering for the results' per-unit aggregation (unit order, then time; the value read from the index).
CREATE INDEX metric_events_unit ON metric_events (tenant, environment, event, unit, ts, value);
CREATE INDEX metric_events_received ON metric_events (received_at);

CREATE TABLE experiment_allocations (
  tenant      TEXT    NOT NULL,
  experiment  TEXT    NOT NULL,
  revision    INTEGER NOT NULL,
  environment TEXT    NOT NULL,
  weights     TEXT    NOT NULL CHECK (json_valid(weights)),  -- variant -> weight of the rollout at that revision
  commit_sha  TEXT,
  first_seen  INTEGER NOT NULL,
  PRIMARY KEY (tenant, experiment, revision)
) WITHOUT ROWID;

CREATE TABLE audit_new (
  id          INTEGER PRIMARY KEY,
  tenant      TEXT    NOT NULL,
  ts          TEXT    NOT NULL,
  actor       TEXT    NOT NULL,
  source      TEXT    NOT NULL CHECK (source IN ('api', 'git', 'seed')),
  environment TEXT,
  resource    TEXT    NOT NULL CHECK (resource IN ('environment', 'flag', 'segment', 'experiment', 'api_key', 'tenant')),
  key         TEXT    NOT NULL,
  action      TEXT    NOT NULL CHECK (action IN ('create', 'update', 'archive', 'restore', 'delete', 'revoke')),
  before      TEXT,
  after       TEXT,
  revision    INTEGER,
  commit_sha  TEXT,
  request_id  TEXT,
  reason      TEXT
);
INSERT INTO audit_new SELECT id, tenant, ts, actor, source, environment, resource, key, action, before, after, revision, commit_sha, request_id, reason FROM audit;
DROP TABLE audit;
ALTER TABLE audit_new RENAME TO audit;
CREATE INDEX audit_tenant_ts ON audit (tenant, ts);
CREATE INDEX audit_tenant_resource_key ON audit (tenant, resource, key);
CREATE INDEX audit_tenant_commit ON audit (tenant, commit_sha) WHERE commit_sha IS NOT NULL;
`,
};
