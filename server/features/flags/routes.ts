import type { FastifyInstance } from 'fastify';
import type { ServerConfig } from '../../config.js';
import type { Stores } from '../../stores.js';
import type { DocumentService } from '../documents/document-service.js';
import { registerDocumentRoutes } from '../documents/document-routes.js';
import { flagUsageSchema, NEVER_EVALUATED, tenantUsage } from '../usage/usage-view.js';

/** The window of the usage a flag carries (in the list and in GET /v1/flags/{key}), in days. */
export const LIST_USAGE_DAYS = 30;

export function registerFlagRoutes(
  app: FastifyInstance,
  deps: { service: DocumentService<'flag'>; stores: Stores; config: ServerConfig },
): void {
  registerDocumentRoutes(app, {
    kind: 'flag',
    path: '/v1/flags',
    plural: 'flags',
    readScope: 'flags:read',
    writeScope: 'flags:write',
    tagFilter: true,
    ...deps,
    readExtra: {
      properties: {
        usage: { ...flagUsageSchema, description: `Evaluations in the last ${LIST_USAGE_DAYS} days and the latest one, as flushed by the server processes.` },
      },
      of: async (tenant, keys) => {
        const usage = await tenantUsage(deps.stores.usage, tenant, LIST_USAGE_DAYS, Date.now(), keys);
        return (key) => ({ usage: usage.get(key) ?? NEVER_EVALUATED });
      },
    },
  });
}
