import type { FastifyInstance } from 'fastify';
import { jwtRoute } from '../auth/route-auth.js';
import { tenantOf } from '../http/request-context.js';
import { errorResponses } from '../http/schemas.js';
import type { WatchStatus } from './watch-status.js';

const statusResponse = {
  type: 'object',
  required: ['enabled'],
  additionalProperties: true,
  description:
    'enabled; directory; state (ok | failed | pending | absent); last_attempt {at, outcome, commit, revision, changes, error_count, errors[], warnings}; last_success; consecutive_failures',
  properties: { enabled: { type: 'boolean' } },
} as const;

/**
 * GET /v1/watch/status: what watch mode last did to the caller's tenant — a
 * failure shows here (and in the log and ff_watch_reconcile_failures_total)
 * while evaluation keeps serving the last good state and /readyz stays 200.
 * Tenant-scoped: another tenant's files and errors never appear.
 */
export function registerWatchStatusRoutes(app: FastifyInstance, deps: { status: WatchStatus }): void {
  app.get('/v1/watch/status', {
    config: { auth: jwtRoute('audit:read') },
    schema: {
      tags: ['operations'],
      summary: 'Watch mode: the last reconcile of this tenant’s folder (errors with file and line)',
      response: { 200: statusResponse, ...errorResponses },
    },
    handler: async (request, reply) => reply.send(deps.status.view(tenantOf(request))),
  });
}
