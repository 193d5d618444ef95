import type { FastifyInstance } from 'fastify';
import type { ExposuresUpload, MetricEventsRequest } from '../../../core/model/schema-types.js';
import { evaluationRoute, jwtReadRoute } from '../../auth/route-auth.js';
import { tenantOf } from '../../http/request-context.js';
import { bodySchemaFile, errorResponses } from '../../http/schemas.js';
import type { EvaluationIndex } from '../../evaluation-index/evaluation-index.js';
import { resolveSnapshot } from '../evaluate/resolve-snapshot.js';
import type { ExperimentService } from './experiment-service.js';

/** A batch of 1,000 events of ordinary size fits; anything larger is 413 PAYLOAD_TOO_LARGE. */
export const EVENTS_BODY_LIMIT = 1024 * 1024;

const results = { type: 'object', additionalProperties: true, description: 'ExperimentResults (docs/experiments.md)' };

export function registerExperimentRoutes(app: FastifyInstance, deps: { index: EvaluationIndex; service: ExperimentService }): void {
  const { index, service } = deps;

  app.post<{ Body: MetricEventsRequest }>('/v1/events', {
    config: { auth: evaluationRoute },
    bodyLimit: EVENTS_BODY_LIMIT,
    schema: {
      tags: ['experiments'],
      summary: 'Record a batch of metric events (idempotent per event id)',
      body: bodySchemaFile('metric-events.schema.json'),
      response: {
        202: {
          type: 'object',
          required: ['accepted', 'stored', 'duplicates'],
          properties: { accepted: { type: 'integer' }, stored: { type: 'integer' }, duplicates: { type: 'integer', description: 'Events whose id was already stored: not stored again.' } },
        },
        ...errorResponses,
      },
    },
    async handler(request, reply) {
      const snapshot = resolveSnapshot(index, request, request.body.environment);
      const outcome = await service.recordEvents(tenantOf(request), snapshot.environment, request.body.events);
      return reply.code(202).send(outcome);
    },
  });

  app.post<{ Body: ExposuresUpload }>('/v1/exposures', {
    config: { auth: evaluationRoute },
    bodyLimit: EVENTS_BODY_LIMIT,
    schema: {
      tags: ['experiments'],
      summary: 'Upload exposures an SDK recorded while evaluating locally (buffered, deduplicated per unit)',
      body: bodySchemaFile('exposures-upload.schema.json'),
      response: {
        202: {
          type: 'object',
          required: ['accepted', 'ignored'],
          properties: { accepted: { type: 'integer' }, ignored: { type: 'integer', description: 'Exposures of no experiment running in this environment.' } },
        },
        ...errorResponses,
      },
    },
    async handler(request, reply) {
      const snapshot = resolveSnapshot(index, request, request.body.environment);
      const outcome = await service.uploadExposures(tenantOf(request), snapshot.environment, request.body.revision, snapshot.revision, request.body.exposures);
      void reply.code(202).send(outcome);
    },
  });

  app.get<{ Params: { key: string } }>('/v1/experiments/:key/results', {
    config: { auth: jwtReadRoute('flags:read') },
    schema: {
      tags: ['experiments'],
      summary: "An experiment's results: per variant, effects with 95% and always-valid intervals, p-values, the sample-ratio check, per allocation period",
      params: { type: 'object', required: ['key'], properties: { key: { type: 'string', minLength: 1, maxLength: 128 } } },
      response: { 200: results, ...errorResponses },
    },
    async handler(request) {
      return service.results(tenantOf(request), request.params.key);
    },
  });
}
