import type { FastifyInstance } from 'fastify';
import { PUBLIC } from '../../auth/route-auth.js';
import type { EvaluationIndex } from '../../index/evaluation-index.js';
import type { Metrics } from '../../observability/metrics.js';

const plain = { 200: { type: 'string' }, 503: { type: 'string' } };

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
    schema: { tags: ['operations'], summary: 'Prometheus metrics', response: { 200: { type: 'string' } } },
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
