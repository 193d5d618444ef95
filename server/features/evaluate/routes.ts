import type { FastifyInstance } from 'fastify';
import { evaluate, evaluateAll, explain, toWire } from '../../../core/engine/index.js';
import type { RequestBodyOf } from '../../../core/model/openapi-types.js';
import { evaluationRoute } from '../../auth/route-auth.js';
import { ApiError } from '../../errors.js';
import { noneMatch } from '../../http/etag.js';
import { tenantOf } from '../../http/request-context.js';
import { errorResponses } from '../../http/schemas.js';
import type { EvaluationIndex } from '../../evaluation-index/evaluation-index.js';
import type { EvaluationObserver } from './observe-evaluations.js';
import { resolveSnapshot } from './resolve-snapshot.js';
import { bulkBody, bulkResponse, configQuery, evaluateBody, previewResponse, wireEvaluation } from './schemas.js';

// The bodies as the routes' schemas (./schemas.ts) declare them, by way of the generated document types.
type EvaluateBody = RequestBodyOf<'postEvaluate'>;
type BulkBody = RequestBodyOf<'postEvaluateBulk'>;

const flagNotFound = () => new ApiError(404, 'FLAG_NOT_FOUND', 'flag not found');
const config = { auth: evaluationRoute };

/** /v1/evaluate, /v1/evaluate/bulk, /v1/evaluate/preview and /v1/config: in-memory only. */
export function registerEvaluateRoutes(app: FastifyInstance, deps: { index: EvaluationIndex; observer: EvaluationObserver }): void {
  const { index, observer } = deps;

  app.post<{ Body: EvaluateBody }>('/v1/evaluate', {
    config,
    schema: {
      tags: ['evaluation'],
      summary: 'Evaluate one flag',
      body: evaluateBody,
      response: { 200: wireEvaluation, ...errorResponses },
    },
    handler(request, reply) {
      const { flag_key, context, environment } = request.body;
      const snapshot = resolveSnapshot(index, request, environment);
      const ctx = context === undefined ? {} : context;
      const result = evaluate(snapshot, flag_key, ctx);
      if (result.errorCode === 'FLAG_NOT_FOUND') throw flagNotFound();
      observer.observe({ snapshot, context: ctx, results: [result] });
      void reply.send(toWire(result, snapshot.revision));
    },
  });

  app.post<{ Body: BulkBody }>('/v1/evaluate/bulk', {
    config,
    schema: {
      tags: ['evaluation'],
      summary: 'Evaluate every flag, or the listed ones (unknown keys answer FLAG_NOT_FOUND per item)',
      body: bulkBody,
      response: { 200: bulkResponse, ...errorResponses },
    },
    handler(request, reply) {
      const { context, environment, flag_keys } = request.body;
      const snapshot = resolveSnapshot(index, request, environment);
      const ctx = context === undefined ? {} : context;
      const results = evaluateAll(snapshot, ctx, flag_keys);
      observer.observe({ snapshot, context: ctx, results });
      void reply.send({ environment: snapshot.environment, revision: snapshot.revision, results: results.map((r) => toWire(r, snapshot.revision)) });
    },
  });

  app.post<{ Body: EvaluateBody }>('/v1/evaluate/preview', {
    config,
    schema: {
      tags: ['evaluation'],
      summary: 'Evaluate one flag and explain every rule and condition tried',
      body: evaluateBody,
      response: { 200: previewResponse, ...errorResponses },
    },
    handler(request, reply) {
      const { flag_key, context, environment } = request.body;
      const snapshot = resolveSnapshot(index, request, environment);
      if (!snapshot.hasFlag(flag_key)) throw flagNotFound();
      const trace = explain(snapshot, flag_key, context === undefined ? {} : context);
      void reply.send({ result: toWire(trace.result, snapshot.revision), trace });
    },
  });

  app.get<{ Querystring: { environment?: string } }>('/v1/config', {
    config,
    schema: {
      tags: ['evaluation'],
      summary: 'Download one environment’s flags and segments for local evaluation (ETag / If-None-Match)',
      querystring: configQuery,
      response: {
        200: { type: 'object', additionalProperties: true, description: 'tenant, environment, revision, environments, flags, segments' },
        304: { type: 'null', description: 'Not modified' },
        ...errorResponses,
      },
    },
    handler(request, reply) {
      const snapshot = resolveSnapshot(index, request, request.query.environment);
      const doc = index.entry(tenantOf(request))?.config(snapshot.environment);
      if (!doc) throw new ApiError(404, 'NOT_FOUND', 'environment not found');
      void reply.header('etag', doc.etag).header('cache-control', 'no-cache');
      if (!noneMatch(request.headers['if-none-match'], doc.etag)) {
        void reply.code(304).send();
        return;
      }
      // Already serialized once per revision: bypass the serializer.
      void reply.type('application/json; charset=utf-8').serializer((s: unknown) => s as string).send(doc.json);
    },
  });
}
