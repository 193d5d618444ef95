// The shapes of the server answers the CLI reads (docs/api.md). Types only:
// the client does not validate them, the server's response schemas do.
// Request bodies with a schema in schemas/ use its generated type, never
// restated here; the answers below are still written out, because the
// routes' response schemas do not yet mark their members required (the
// types generated from /openapi.json are all-optional).
import type { ExplainTrace, WireEvaluation } from '../../core/engine/types.js';
import type { TenantState } from '../../core/model/index.js';
import type { Drift, Plan } from '../../core/model/schema-types.js';

/** GET /v1/state */
export interface StateResponse {
  tenant: string;
  revision: number;
  state: TenantState;
  resources?: Record<string, { managed_by?: string; git_commit?: string | null; drift?: Drift | null }>;
}

/** POST /v1/plan answer. */
export interface PlanResponse {
  plan: Plan;
}

/** POST /v1/apply answer. */
export interface ApplyResponse {
  plan: Plan;
  applied: boolean;
  revision: number;
  previous_revision: number;
}

/** One entry of a 409 STALE_PLAN's `details[0].since`. */
export interface StaleRevision {
  revision: number;
  ts?: string;
  actor?: string;
  source?: string;
  commit_sha?: string | null;
  changed?: string[];
}

export interface StalePlanDetail {
  current_revision: number;
  since?: StaleRevision[];
}

/** The commit an audit row came from (source git). */
export interface AuditCommit {
  sha: string;
  message?: string;
  author?: string;
  email?: string;
  branch?: string;
  remote_url?: string;
  /** Older servers name it `remote`. */
  remote?: string;
}

/** GET /v1/audit item. */
export interface AuditItem {
  id: number;
  ts: string;
  actor: string;
  source: string;
  environment: string | null;
  resource: string;
  key: string;
  action: string;
  revision: number | null;
  before?: unknown;
  after?: unknown;
  commit: AuditCommit | null;
  request_id?: string | null;
}

export interface ListPage<T> {
  items: T[];
  next_cursor: string | null;
}

/** GET /v1/api-keys item; the create answer adds `key`, shown once. */
export interface ApiKeyView {
  id: string;
  prefix: string;
  name: string;
  environment: string;
  created_at: string;
  created_by: string;
  revoked_at: string | null;
  revoked_by: string | null;
  key?: string;
}

/** POST /v1/evaluate/preview */
export interface PreviewResponse {
  result: WireEvaluation;
  trace: ExplainTrace;
}

/** POST /v1/evaluate/bulk */
export interface BulkResponse {
  environment: string;
  revision: number;
  results: WireEvaluation[];
}
