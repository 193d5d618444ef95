import type { Migration } from '../migrate.js';

// The three document tables (environments, flags, segments) share one shape:
// the schema document as JSON (exactly what the YAML holds) plus bookkeeping.
const documentTable = (table: string, extra = '') => `
CREATE TABLE ${table} (
  id          INTEGER PRIMARY KEY,
  tenant      TEXT    NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
  key         TEXT    NOT NULL,
  doc         TEXT    NOT NULL CHECK (json_valid(doc)),
  version     INTEGER NOT NULL DEFAULT 1,            -- per-row change counter
  revision    INTEGER NOT NULL,                      -- tenant revision of the last change: the ETag
  archived_at TEXT,                                  -- soft delete: archived rows leave the evaluated state
  archived_by TEXT,
  managed_by  TEXT    NOT NULL DEFAULT 'api' CHECK (managed_by IN ('api', 'git')),
  git_commit  TEXT,                                  -- sha of the commit that last applied it
  created_at  TEXT    NOT NULL,
  created_by  TEXT    NOT NULL,
  updated_at  TEXT    NOT NULL,
  updated_by  TEXT    NOT NULL,${extra}
  UNIQUE (tenant, key)
);`;

export const m001Initial: Migration = {
  version: 1,
  name: 'initial',
  sql: `
CREATE TABLE tenants (
  key          TEXT    PRIMARY KEY,
  name         TEXT,
  revision     INTEGER NOT NULL DEFAULT 0,   -- bumps on every committed change to its evaluated state
  keys_version INTEGER NOT NULL DEFAULT 0,   -- bumps on every API key change (keys are not part of the state)
  created_at   TEXT    NOT NULL,
  updated_at   TEXT    NOT NULL
);
${documentTable('environments', `
  position    INTEGER NOT NULL DEFAULT 0,            -- declaration order`)}
${documentTable('flags')}
${documentTable('segments')}

CREATE TABLE revisions (
  tenant     TEXT    NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
  revision   INTEGER NOT NULL,
  ts         TEXT    NOT NULL,
  actor      TEXT    NOT NULL,
  source     TEXT    NOT NULL CHECK (source IN ('api', 'git', 'seed')),
  commit_sha TEXT,
  commit_meta TEXT CHECK (commit_meta IS NULL OR json_valid(commit_meta)), -- {sha, author, email, message, branch, remote, time, dirty}
  changes    TEXT    NOT NULL CHECK (json_valid(changes)),                -- [{resource, key, action, environments[]}]
  PRIMARY KEY (tenant, revision)
);

CREATE TABLE audit (
  id          INTEGER PRIMARY KEY,
  tenant      TEXT    NOT NULL,
  ts          TEXT    NOT NULL,
  actor       TEXT    NOT NULL,
  source      TEXT    NOT NULL CHECK (source IN ('api', 'git', 'seed')),
  environment TEXT,
  resource    TEXT    NOT NULL CHECK (resource IN ('environment', 'flag', 'segment', 'api_key', 'tenant')),
  key         TEXT    NOT NULL,
  action      TEXT    NOT NULL CHECK (action IN ('create', 'update', 'archive', 'restore', 'delete', 'revoke')),
  before      TEXT,
  after       TEXT,
  revision    INTEGER,                       -- NULL for API key changes (not part of the state)
  commit_sha  TEXT,
  request_id  TEXT
);
CREATE INDEX audit_tenant_ts ON audit (tenant, ts);
CREATE INDEX audit_tenant_resource_key ON audit (tenant, resource, key);
CREATE INDEX audit_tenant_commit ON audit (tenant, commit_sha) WHERE commit_sha IS NOT NULL;

CREATE TABLE api_keys (
  id          TEXT    PRIMARY KEY,           -- the public id inside the key (ffk_<id>_<secret>)
  tenant      TEXT    NOT NULL REFERENCES tenants(key) ON DELETE CASCADE,
  environment TEXT    NOT NULL,
  name        TEXT    NOT NULL,
  verifier    TEXT    NOT NULL,              -- hex SHA-256 of the secret; the secret itself is never stored
  created_at  TEXT    NOT NULL,
  created_by  TEXT    NOT NULL,
  revoked_at  TEXT,
  revoked_by  TEXT
);
CREATE INDEX api_keys_tenant ON api_keys (tenant, created_at);

CREATE TABLE idempotency_keys (
  tenant       TEXT    NOT NULL,
  actor        TEXT    NOT NULL,
  route        TEXT    NOT NULL,             -- "POST /v1/flags"
  key          TEXT    NOT NULL,             -- the Idempotency-Key header
  request_hash TEXT    NOT NULL,             -- SHA-256 of the canonical request body
  status       INTEGER NOT NULL,
  headers      TEXT    NOT NULL,             -- replayed headers (Location, ETag)
  body         TEXT    NOT NULL,
  created_at   TEXT    NOT NULL,
  PRIMARY KEY (tenant, actor, route, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
`,
};
