import type { FastifyInstance } from 'fastify';
import type { ApplyRequest } from '../../../core/model/schema-types.js';
import { jwtRoute } from '../../auth/route-auth.js';
import type { ServerConfig } from '../../config.js';
import { tenantOf, writeContextOf } from '../../http/request-context.js';
import { errorResponses } from '../../http/schemas.js';
import type { Stores } from '../../stores.js';
import type { StateListener } from '../state/state-listener.js';
import { tenantUsage } from '../usage/usage-view.js';
import { applyDesiredState, planDesiredState, type DeleteSafety, type PlanRequest } from './apply-service.js';
import { applyRequestBodySchema, planRequestBodySchema } from './request-schema.js';

/**
 * A whole tenant's state is far larger than any REST document (5,000 flags ×
 * 3 environments is several MB): the apply route accepts up to this much, or
 * FF_BODY_LIMIT when that is larger. Only a token with the `apply` scope gets
 * as far as sending it (authentication runs before the body is read).
 */
export const APPLY_BODY_LIMIT = 64 * 1024 * 1024;

const plan = { type: 'object', additionalProperties: true, description: 'The plan (schemas/plan.schema.json, format_version 1).' };

const applyResponse = {
  type: 'object',
  required: ['plan', 'applied', 'revision', 'previous_revision'],
  properties: {
    plan,
    applied: { type: 'boolean', description: 'True when a new revision was committed.' },
    revision: { type: 'integer', description: 'The tenant revision after the call.' },
    previous_revision: { type: 'integer' },
  },
};

export function registerApplyRoutes(app: FastifyInstance, deps: { stores: Stores; listener: StateListener; config: ServerConfig }): void {
  const bodyLimit = Math.max(deps.config.bodyLimit, APPLY_BODY_LIMIT);
  const days = deps.config.deleteInUseDays;
  // Read before the (synchronous) write transaction: the usage store is asynchronous.
  const safetyOf = async (tenant: string): Promise<DeleteSafety> => ({ usage: await tenantUsage(deps.stores.usage, tenant, days, Date.now()), days });
  app.post<{ Body: PlanRequest }>('/v1/plan', {
    // `plan` never writes: a pull request's CI job holds it. An `apply` token may plan too.
    config: { auth: jwtRoute('plan', 'apply') },
    bodyLimit,
    schema: {
      tags: ['gitops'],
      summary: 'Plan a tenant’s desired state against its current revision, writing nothing',
      body: planRequestBodySchema(),
      response: { 200: { type: 'object', required: ['plan'], properties: { plan } }, ...errorResponses },
    },
    handler: async (request) => {
      const tenant = tenantOf(request);
      const safety = await safetyOf(tenant);
      return planDesiredState(deps.stores, deps.listener, writeContextOf(request), tenant, request.body, safety);
    },
  });

  app.post<{ Body: ApplyRequest }>('/v1/apply', {
    config: { auth: jwtRoute('apply') },
    bodyLimit,
    schema: {
      tags: ['gitops'],
      summary: 'Plan (dry_run) or apply a tenant’s desired state from a Git commit, all or nothing',
      body: applyRequestBodySchema(),
      response: { 200: applyResponse, ...errorResponses },
    },
    handler: async (request) => {
      const tenant = tenantOf(request);
      const safety = await safetyOf(tenant);
      return applyDesiredState(deps.stores, deps.listener, writeContextOf(request), tenant, request.body, safety);
    },
  });
}
