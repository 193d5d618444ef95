import type { FastifyInstance } from 'fastify';
import type { ServerConfig } from '../../config.js';
import type { Stores } from '../../stores.js';
import type { DocumentService } from '../documents/document-service.js';
import { registerDocumentRoutes } from '../documents/document-routes.js';

export function registerSegmentRoutes(
  app: FastifyInstance,
  deps: { service: DocumentService<'segment'>; stores: Stores; config: ServerConfig },
): void {
  registerDocumentRoutes(app, {
    kind: 'segment',
    path: '/v1/segments',
    plural: 'segments',
    readScope: 'segments:read',
    writeScope: 'segments:write',
    tagFilter: false,
    ...deps,
  });
}
