import type { FastifyInstance } from 'fastify';
import type { RequestBodyOf } from '../../../core/model/openapi-types.js';
import { jwtReadRoute } from '../../auth/route-auth.js';
import type { ServerConfig } from '../../config.js';
import { decodeCursor, page } from '../../http/cursor.js';
import { headerValue, tenantOf, writeContextOf } from '../../http/request-context.js';
import { errorResponses, listEnvelope, listQuery } from '../../http/schemas.js';
import { idempotent } from '../../idempotency/idempotent.js';
import type { Stores } from '../../stores.js';
import { toView, type ApiKeyService } from './api-key-service.js';

const keyView = {
  type: 'object',
  required: ['id', 'prefix', 'name', 'environment', 'created_at', 'created_by', 'revoked_at', 'revoked_by'],
  properties: {
    id: { type: 'string', description: 'Public id (safe to log and show).' },
    prefix: { type: 'string', description: 'The visible start of the key: ffk_<id>.' },
    name: { type: 'string' },
    environment: { type: 'string' },
    created_at: { type: 'string' },
    created_by: { type: 'string' },
    revoked_at: { type: ['string', 'null'] },
    revoked_by: { type: ['string', 'null'] },
  },
} as const;

// `key` is not required: an idempotent replay answers without it.
const createdView = {
  type: 'object',
  required: keyView.required,
  properties: {
    ...keyView.properties,
    key: { type: 'string', description: 'The full key. Shown once: only a hash is stored, and a replay (same Idempotency-Key) omits it.' },
  },
};

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[0-9A-Za-z]{12}$' } } };

export function registerApiKeyRoutes(
  app: FastifyInstance,
  deps: { service: ApiKeyService; stores: Stores; config: ServerConfig },
): void {
  const { service, config } = deps;
  // A key is issued for an environment of an existing tenant.
  const read = { auth: jwtReadRoute('keys:read') };
  const write = { auth: jwtReadRoute('keys:write') };

  app.get<{
    Querystring: { limit: number; cursor?: string; state: 'active' | 'revoked' | 'all'; environment?: string; q?: string };
  }>('/v1/api-keys', {
    config: read,
    schema: {
      tags: ['api-keys'],
      summary: 'List evaluation API keys (never their secrets)',
      querystring: listQuery(config.maxPageSize, config.defaultPageSize, {
        state: { type: 'string', enum: ['active', 'revoked', 'all'], default: 'active' },
        environment: { type: 'string', maxLength: 63 },
        q: { type: 'string', maxLength: 200 },
      }),
      response: { 200: listEnvelope(keyView), ...errorResponses },
    },
    handler: async (request) => {
      const { limit, cursor, state, environment, q } = request.query;
      const rows = await service.list(tenantOf(request), {
        state,
        limit: limit + 1,
        ...(environment === undefined ? {} : { environment }),
        ...(q === undefined ? {} : { q }),
        ...(cursor === undefined ? {} : { afterId: decodeCursor(cursor, 'string') }),
      });
      const p = page(rows, limit, (r) => r.id);
      return { items: p.items.map(toView), next_cursor: p.next_cursor };
    },
  });

  app.post<{ Body: RequestBodyOf<'postApiKeys'> }>('/v1/api-keys', {
    config: { ...write, docHeaders: { idempotencyKey: true } },
    schema: {
      tags: ['api-keys'],
      summary: 'Create an API key bound to one environment (the key is in this response only)',
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'environment'],
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 200 },
          environment: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,62}$' },
        },
      },
      response: { 201: createdView, ...errorResponses },
    },
    handler: async (request, res) => {
      const tenant = tenantOf(request);
      const ctx = writeContextOf(request);
      const outcome = await idempotent(
        deps.stores,
        {
          key: headerValue(request, 'idempotency-key'),
          scope: { tenant, actor: ctx.actor, route: 'POST /v1/api-keys' },
          fingerprintOf: request.body,
          now: new Date(ctx.now),
          ttlHours: config.idempotencyTtlHours,
        },
        async () => {
          const { key, plaintext } = await service.create(ctx, tenant, request.body);
          const view = toView(key);
          // A replay returns the metadata without the secret: storing the
          // response verbatim would store the plaintext key.
          return {
            status: 201,
            headers: { location: `/v1/api-keys/${key.id}` },
            body: { ...view, key: plaintext },
            replayBody: view,
          };
        },
      );
      if (outcome.replayed) void res.header('idempotent-replayed', 'true');
      return res.code(outcome.status).headers(outcome.headers).send(outcome.body);
    },
  });

  app.get<{ Params: { id: string } }>('/v1/api-keys/:id', {
    config: read,
    schema: { tags: ['api-keys'], summary: 'Get an API key', params: idParams, response: { 200: keyView, ...errorResponses } },
    handler: async (request) => toView(await service.get(tenantOf(request), request.params.id)),
  });

  app.delete<{ Params: { id: string } }>('/v1/api-keys/:id', {
    config: write,
    schema: {
      tags: ['api-keys'],
      summary: 'Revoke an API key (permanent; revoking twice is a no-op)',
      params: idParams,
      response: { 200: keyView, ...errorResponses },
    },
    handler: async (request) => toView(await service.revoke(writeContextOf(request), tenantOf(request), request.params.id)),
  });
}
