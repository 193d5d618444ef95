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

const usageQuery = {
  ...daysQuery,
  properties: {
    ...daysQuery.properties,
    daily: { type: 'boolean', default: false, description: 'Also the count of each UTC day of the window with evaluations, per environment (what ff export --usage writes).' },
  },
} as const;

const dailyUsageSchema = {
  ...flagUsageSchema,
  properties: {
    ...flagUsageSchema.properties,
    environments: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['last_evaluated_at', 'evaluations'],
        properties: {
          last_evaluated_at: { type: 'string' },
          evaluations: { type: 'integer' },
          daily: { type: 'object', description: 'With ?daily=true: UTC day (YYYY-MM-DD) to evaluations, days without any absent.', additionalProperties: { type: 'integer' } },
        },
      },
    },
  },
} as const;

export function registerUsageRoutes(app: FastifyInstance, deps: { usage: UsageStore }): void {
  app.get<{ Querystring: { days: number; daily: boolean } }>('/v1/usage', {
    // What `ff lint --server` reads: a pull request's `plan` token may read it, as it reads the state.
    config: { auth: jwtRoute('flags:read', 'plan', 'apply') },
    schema: {
      tags: ['flags'],
      summary: 'Evaluation counts and last evaluation of every flag of the tenant that has been evaluated',
      querystring: usageQuery,
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
              additionalProperties: dailyUsageSchema,
            },
          },
        },
        ...errorResponses,
      },
    },
    handler: async (request) => {
      const tenant = tenantOf(request);
      const { days, daily } = request.query;
      const now = Date.now();
      const since = windowStart(now, days);
      const usage = await tenantUsage(deps.usage, tenant, days, now);
      if (daily) {
        for (const row of await deps.usage.days(tenant, since)) {
          const env = usage.get(row.flag)?.environments[row.environment] as { daily?: Record<string, number> } | undefined;
          if (env === undefined) continue;
          (env.daily ??= {})[row.day] = row.count;
        }
      }
      return { tenant, days, since, flags: Object.fromEntries(usage) };
    },
  });
}
