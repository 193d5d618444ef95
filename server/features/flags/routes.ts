import type { FastifyInstance } from 'fastify';
import type { ServerConfig } from '../../config.js';
import type { Stores } from '../../stores.js';
import type { DocumentService } from '../documents/document-service.js';
import { registerDocumentRoutes } from '../documents/document-routes.js';

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
  });
}
