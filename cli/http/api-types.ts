// The server answers the CLI (and the console) read, by name: aliases of
// core/model/openapi-types.ts, which scripts/gen-types.mjs generates from the
// server's /openapi.json — the routes' own response schemas, which a test
// checks against real answers. Nothing here restates a member.
//
// Three members are opaque in the document on purpose (the server sends them
// as it holds them, without a serializer schema): the state, the plan and the
// preview's trace. Their types are those of their one definition — the
// schemas/ file the route's description names (tenant-state, plan) and the
// engine's ExplainTrace — put in place of the document's `{ [key: string]: unknown }`.
import type { ExplainTrace } from '../../core/engine/types.js';
import type { TenantState } from '../../core/model/index.js';
import type { AnswerOf, components } from '../../core/model/openapi-types.js';
import type { Plan } from '../../core/model/schema-types.js';

/** GET /v1/state */
export type StateResponse = Omit<AnswerOf<'getState', 200>, 'state'> & { state: TenantState };

/** POST /v1/plan answer. */
export type PlanResponse = Omit<AnswerOf<'postPlan', 200>, 'plan'> & { plan: Plan };

/** POST /v1/apply answer. */
export type ApplyResponse = Omit<AnswerOf<'postApply', 200>, 'plan'> & { plan: Plan };

type AuditEntry = AnswerOf<'getAudit', 200>['items'][number];

/** The commit an audit row came from (source git): schemas/plan.schema.json's commit. */
export type AuditCommit = NonNullable<AuditEntry['commit']> & {
  /** What servers before the commit's wire name was remote_url sent instead: read, never sent. */
  remote?: string;
};

/** GET /v1/audit item. */
export type AuditItem = Omit<AuditEntry, 'commit'> & { commit: AuditCommit | null };

/** A page of any list route (they share one envelope): `T` its items. */
export type ListPage<T> = Omit<AnswerOf<'getAudit', 200>, 'items'> & { items: T[] };

/** GET /v1/api-keys item (and GET/DELETE /v1/api-keys/{id}). */
export type ApiKeyView = AnswerOf<'getApiKeysById', 200>;

/** POST /v1/api-keys answer: the view and `key`, shown once (a replay omits it). */
export type CreatedApiKey = AnswerOf<'postApiKeys', 201>;

/** POST /v1/evaluate/preview */
export type PreviewResponse = Omit<AnswerOf<'postEvaluatePreview', 200>, 'trace'> & { trace: ExplainTrace };

/** POST /v1/evaluate/bulk */
export type BulkResponse = AnswerOf<'postEvaluateBulk', 200>;

/** One evaluation's answer (POST /v1/evaluate, each bulk result, the preview's result). */
export type EvaluationAnswer = AnswerOf<'postEvaluate', 200>;

/** GET /v1/usage */
export type UsageResponse = AnswerOf<'getUsage', 200>;

/** `details[0]` of a 409 STALE_PLAN. */
export type StalePlanDetail = components['schemas']['StalePlanDetail'];

/** One revision that landed since a stale plan's base. */
export type StaleRevision = NonNullable<StalePlanDetail['since']>[number];
