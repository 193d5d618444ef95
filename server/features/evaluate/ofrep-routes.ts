import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { evaluate, evaluateAll, type EvaluationResult } from '../../../core/engine/index.js';
import type { RequestBodyOf } from '../../../core/model/openapi-types.js';
import { evaluationRoute } from '../../auth/route-auth.js';
import { ApiError } from '../../errors.js';
import { noneMatch } from '../../http/etag.js';
import type { EvaluationIndex } from '../../evaluation-index/evaluation-index.js';
import { eventStreamsFor, eventStreamsSchema } from '../stream/event-streams.js';
import type { EvaluationObserver } from './observe-evaluations.js';
import type { OfrepErrorCode } from './ofrep-errors.js';
import { resolveSnapshot } from './resolve-snapshot.js';

// OpenFeature Remote Evaluation Protocol (https://openfeature.dev/specification/appendix-c).

const requestBody = {
  type: 'object',
  description: 'OFREP evaluation request. Other members are ignored, as the protocol may add some.',
  properties: { context: { type: 'object', additionalProperties: true, description: 'Evaluation context: targetingKey plus attributes.' } },
} as const;

/** The request body as the schema above declares it (absent when the request has none). */
type OfrepBody = RequestBodyOf<'postOfrepEvaluateFlags'> | undefined;

const metadata = {
  type: 'object',
  additionalProperties: true,
  description: 'revision, and ruleId / bucket when a rule or rollout decided',
} as const;

const success = {
  type: 'object',
  required: ['key', 'value', 'reason'],
  properties: {
    key: { type: 'string' },
    value: {},
    reason: { type: 'string' },
    variant: { type: 'string' },
    metadata,
  },
} as const;

const failure = {
  type: 'object',
  required: ['key', 'errorCode'],
  properties: { key: { type: 'string' }, errorCode: { type: 'string' }, errorDetails: { type: 'string' } },
} as const;

const bulkFailure = {
  type: 'object',
  required: ['errorCode'],
  properties: { errorCode: { type: 'string' }, errorDetails: { type: 'string' } },
} as const;

/** OFREP knows fewer error codes than OpenFeature: the rest travel as GENERAL. */
const OFREP_CODES: ReadonlySet<string> = new Set(['PARSE_ERROR', 'TARGETING_KEY_MISSING', 'INVALID_CONTEXT', 'GENERAL', 'FLAG_NOT_FOUND']);

function toOfrep(r: EvaluationResult, revision: number) {
  if (r.reason === 'ERROR') {
    const code = (r.errorCode !== undefined && OFREP_CODES.has(r.errorCode) ? r.errorCode : 'GENERAL') as OfrepErrorCode;
    return { ok: false as const, body: { key: r.flagKey, errorCode: code, errorDetails: r.errorMessage ?? code } };
  }
  const meta: Record<string, string | number> = { revision };
  if (r.ruleId !== undefined) meta.ruleId = r.ruleId;
  if (r.bucket !== undefined) meta.bucket = r.bucket;
  const body: Record<string, unknown> = { key: r.flagKey, value: r.value, reason: r.reason, metadata: meta };
  if (r.variant !== null) body.variant = r.variant;
  return { ok: true as const, body };
}

const environmentHeader = (request: FastifyRequest): string | undefined => {
  const v = request.headers['x-environment'];
  return typeof v === 'string' && v !== '' ? v : undefined;
};

/** OFREP contexts must be objects; the engine answers INVALID_CONTEXT otherwise, we answer 400 before. */
function contextOf(body: OfrepBody): unknown {
  return body?.context ?? {};
}

export function registerOfrepRoutes(app: FastifyInstance, deps: { index: EvaluationIndex; observer: EvaluationObserver }): void {
  const { index, observer } = deps;

  app.post<{ Params: { key: string }; Body: OfrepBody }>('/ofrep/v1/evaluate/flags/:key', {
    config: { auth: evaluationRoute, errorFormat: 'ofrep-single' },
    schema: {
      tags: ['ofrep'],
      summary: 'OFREP single flag evaluation (JWT callers name the environment in X-Environment)',
      params: { type: 'object', required: ['key'], properties: { key: { type: 'string', minLength: 1, maxLength: 100 } } },
      body: requestBody,
      response: { 200: success, 400: failure, 404: failure },
    },
    handler(request, reply) {
      const snapshot = resolveSnapshot(index, request, environmentHeader(request));
      const context = contextOf(request.body);
      const result = evaluate(snapshot, request.params.key, context);
      if (result.errorCode === 'FLAG_NOT_FOUND') throw new ApiError(404, 'FLAG_NOT_FOUND', 'flag not found');
      observer.observe({ snapshot, context, results: [result] });
      const out = toOfrep(result, snapshot.revision);
      void reply.code(out.ok ? 200 : 400).send(out.body);
    },
  });

  app.post<{ Body: OfrepBody }>('/ofrep/v1/evaluate/flags', {
    config: { auth: evaluationRoute, errorFormat: 'ofrep-bulk' },
    schema: {
      tags: ['ofrep'],
      summary: 'OFREP bulk evaluation: every flag, per-flag errors inline; ETag / If-None-Match',
      body: requestBody,
      response: {
        200: {
          type: 'object',
          required: ['flags'],
          // One merged item schema (not anyOf): successes and per-flag failures
          // share `key`; fast-json-stringify skips the absent members.
          properties: {
            flags: { type: 'array', items: { type: 'object', properties: { ...success.properties, ...failure.properties } } },
            metadata,
            eventStreams: eventStreamsSchema,
          },
        },
        304: { type: 'null', description: 'Not modified' },
        400: bulkFailure,
      },
    },
    handler(request, reply) {
      const snapshot = resolveSnapshot(index, request, environmentHeader(request));
      const context = contextOf(request.body);
      // The answer depends on the revision, the environment and the context.
      const contextHash = createHash('sha256').update(JSON.stringify(context)).digest('base64url').slice(0, 22);
      // While a progressive rollout has steps to come, the answers also depend on the moment the snapshot was built for.
      const moment = snapshot.nextChangeAt === undefined ? '' : `@${snapshot.at}`;
      const etag = `"${snapshot.revision}${moment}-${snapshot.environment}-${contextHash}"`;
      void reply.header('etag', etag);
      if (!noneMatch(request.headers['if-none-match'], etag)) {
        void reply.code(304).send();
        return;
      }
      const results = evaluateAll(snapshot, context);
      observer.observe({ snapshot, context, results });
      void reply.send({
        flags: results.map((r) => toOfrep(r, snapshot.revision).body),
        metadata: { revision: snapshot.revision },
        eventStreams: eventStreamsFor(request, snapshot.environment),
      });
    },
  });
}
