import type { FastifyInstance } from 'fastify';
import type { ServerConfig } from '../../config.js';
import type { Stores } from '../../stores.js';
import type { DocumentService } from '../documents/document-service.js';
import { registerDocumentRoutes } from '../documents/document-routes.js';

export function registerEnvironmentRoutes(
  app: FastifyInstance,
  deps: { service: DocumentService<'environment'>; stores: Stores; config: ServerConfig },
): void {
  registerDocumentRoutes(app, {
    kind: 'environment',
    path: '/v1/environments',
    plural: 'environments',
    readScope: 'environments:read',
    writeScope: 'environments:write',
    tagFilter: false,
    ...deps,
  });
}
