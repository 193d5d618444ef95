import type { FastifyInstance } from 'fastify';
import { jwtRoute } from '../../auth/route-auth.js';
import { tenantOf } from '../../http/request-context.js';
import { errorResponses } from '../../http/schemas.js';
import type { UsageStore } from './usage-store.js';
import { flagUsageSchema, tenantUsage, windowStart } from './usage-view.js';

export const daysQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { days: { type: 'integer', minimum: 1, maximum: 365, default: 30, description: 'Window of evaluation counts, in UTC days up to today.' } },
} as const;

export function registerUsageRoutes(app: FastifyInstance, deps: { usage: UsageStore }): void {
  app.get<{ Querystring: { days: number } }>('/v1/usage', {
    // What `ff lint --server` reads: a pull request's `plan` token may read it, as it reads the state.
    config: { auth: jwtRoute('flags:read', 'plan', 'apply') },
    schema: {
      tags: ['flags'],
      summary: 'Evaluation counts and last evaluation of every flag of the tenant that has been evaluated',
      querystring: daysQuery,
      response: {
        200: {
          type: 'object',
          required: ['tenant', 'days', 'since', 'flags'],
          properties: {
            tenant: { type: 'string' },
            days: { type: 'integer' },
            since: { type: 'string', description: 'First UTC day counted (YYYY-MM-DD).' },
            flags: {
              type: 'object',
              description: 'By flag key; flags never evaluated are absent.',
              additionalProperties: flagUsageSchema,
            },
          },
        },
        ...errorResponses,
      },
    },
    handler: async (request) => {
      const tenant = tenantOf(request);
      const { days } = request.query;
      const now = Date.now();
      const usage = await tenantUsage(deps.usage, tenant, days, now);
      return { tenant, days, since: windowStart(now, days), flags: Object.fromEntries(usage) };
    },
  });
}
