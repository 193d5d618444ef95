import type { FastifyInstance } from 'fastify';
import { PUBLIC } from '../../auth/route-auth.js';
import type { EvaluationIndex } from '../../evaluation-index/evaluation-index.js';
import type { Metrics } from '../../observability/metrics.js';

import { errorResponse } from '../../http/schemas.js';

/**
 * A text body, declared as text (OpenAPI and the serializer both pick the
 * schema by content type); an error — a 503 while the server closes — is still
 * the one JSON error shape.
 */
const text = (description: string, mediaType = 'text/plain') => ({
  description,
  content: { [mediaType]: { schema: { type: 'string' } }, 'application/json': { schema: errorResponse } },
});
const plain = { 200: text('ok / ready'), 503: text('loading (readiness) or shutting down') };

/** Liveness, readiness, Prometheus metrics and the OpenAPI document: public by design. */
export function registerHealthRoutes(app: FastifyInstance, deps: { index: EvaluationIndex; metrics: Metrics }): void {
  const config = { auth: PUBLIC };

  app.get('/healthz', {
    config,
    schema: { tags: ['operations'], summary: 'Liveness: the process serves HTTP', response: plain },
    handler: async (_request, reply) => reply.type('text/plain; charset=utf-8').send('ok'),
  });

  app.get('/readyz', {
    config,
    schema: { tags: ['operations'], summary: 'Readiness: 503 until the evaluation index is loaded', response: plain },
    handler: async (_request, reply) => {
      const ready = deps.index.ready;
      return reply
        .code(ready ? 200 : 503)
        .type('text/plain; charset=utf-8')
        .send(ready ? 'ready' : 'loading');
    },
  });

  app.get('/metrics', {
    config,
    schema: { tags: ['operations'], summary: 'Prometheus metrics', response: { 200: text('Prometheus text exposition format', 'text/plain; version=0.0.4') } },
    handler: async (_request, reply) => {
      const body = await deps.metrics.registry.metrics();
      return reply.type(deps.metrics.registry.contentType).send(body);
    },
  });

  app.get('/openapi.json', {
    config,
    schema: { hide: true },
    handler: async (_request, reply) => reply.send(app.swagger()),
  });
}
