import type { FastifyInstance } from 'fastify';
import { jwtReadRoute } from '../../auth/route-auth.js';
import type { ServerConfig } from '../../config.js';
import { decodeCursor, page } from '../../http/cursor.js';
import { tenantOf } from '../../http/request-context.js';
import { errorResponses, listEnvelope, listQuery, schemaDef } from '../../http/schemas.js';
import type { AuditQuery, AuditRecord, AuditStore } from './audit-store.js';

const auditItem = {
  type: 'object',
  required: ['id', 'ts', 'actor', 'source', 'environment', 'resource', 'key', 'action', 'revision', 'before', 'after', 'commit', 'request_id', 'reason', 'forced'],
  properties: {
    id: { type: 'integer' },
    ts: { type: 'string' },
    actor: { type: 'string' },
    source: { type: 'string', enum: ['api', 'git', 'seed'] },
    environment: { type: ['string', 'null'] },
    resource: { type: 'string' },
    key: { type: 'string' },
    action: { type: 'string' },
    revision: { type: ['integer', 'null'] },
    before: {},
    after: {},
    commit: {
      description: 'The commit of the revision (as in a plan: schemas/plan.schema.json), when the change came from Git.',
      anyOf: [{ type: 'null' }, schemaDef('plan.schema.json', 'commit')],
    },
    request_id: { type: ['string', 'null'] },
    reason: { type: ['string', 'null'], description: 'Why, when the writer said (the X-Change-Reason header of a REST write).' },
    forced: {
      type: 'boolean',
      description: 'A forced write: ?force=true changed a resource Git manages (break-glass), recorded as drift until the next apply.',
    },
  },
};

/** The store's filters as query parameters, with the cursor in place of beforeId. */
type AuditQuerystring = Omit<AuditQuery, 'beforeId'> & { limit: number; cursor?: string };

const toItem = (r: AuditRecord) => ({
  id: r.id,
  ts: r.ts,
  actor: r.actor,
  source: r.source,
  environment: r.environment,
  resource: r.resource,
  key: r.key,
  action: r.action,
  revision: r.revision,
  before: r.before,
  after: r.after,
  // Git rows: {sha, author, email, message, branch, remote_url, committed_at, dirty}, for commit links.
  commit: r.commit ? r.commit : r.commitSha ? { sha: r.commitSha } : null,
  request_id: r.requestId,
  reason: r.reason,
  forced: r.forced,
});

export function registerAuditRoutes(app: FastifyInstance, deps: { audit: AuditStore; config: ServerConfig }): void {
  app.get<{ Querystring: AuditQuerystring }>('/v1/audit', {
    config: { auth: jwtReadRoute('audit:read') },
    schema: {
      tags: ['audit'],
      summary: 'The audit trail, newest first (keyset-paginated)',
      querystring: listQuery(deps.config.maxPageSize, deps.config.defaultPageSize, {
        resource: { type: 'string', enum: ['environment', 'flag', 'segment', 'experiment', 'api_key', 'tenant'] },
        key: { type: 'string', maxLength: 100 },
        actor: { type: 'string', maxLength: 200 },
        environment: { type: 'string', maxLength: 63 },
        action: { type: 'string', enum: ['create', 'update', 'archive', 'restore', 'delete', 'revoke'] },
        source: { type: 'string', enum: ['api', 'git', 'seed'] },
        commit: { type: 'string', pattern: '^[0-9a-fA-F]{4,64}$', description: 'A commit sha or a prefix of it (≥ 4).' },
        from: { type: 'string', format: 'date-time', description: 'Inclusive lower bound on ts.' },
        to: { type: 'string', format: 'date-time', description: 'Exclusive upper bound on ts.' },
      }),
      response: { 200: listEnvelope(auditItem), ...errorResponses },
    },
    handler: async (request) => {
      const { limit, cursor, from, to, ...filters } = request.query;
      const rows = await deps.audit.query(tenantOf(request), {
        ...filters,
        // Stored timestamps are UTC ISO strings: normalise the bounds so string order is time order.
        ...(from === undefined ? {} : { from: new Date(from).toISOString() }),
        ...(to === undefined ? {} : { to: new Date(to).toISOString() }),
        ...(cursor === undefined ? {} : { beforeId: decodeCursor(cursor, 'number') }),
        limit: limit + 1,
      });
      const p = page(rows, limit, (r) => r.id);
      return { items: p.items.map(toItem), next_cursor: p.next_cursor };
    },
  });
}
