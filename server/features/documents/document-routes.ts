import type { FastifyInstance, FastifyReply } from 'fastify';
import { jwtReadRoute, jwtRoute } from '../../auth/route-auth.js';
import type { Scope } from '../../auth/scopes.js';
import type { ServerConfig } from '../../config.js';
import { decodeCursor, page } from '../../http/cursor.js';
import { etagFor } from '../../http/etag.js';
import { headerValue, tenantOf, writeContextOf } from '../../http/request-context.js';
import { documentMeta, errorResponses, listEnvelope, listQuery, stateFilter } from '../../http/schemas.js';
import { schemaRef } from '../../http/validation.js';
import { idempotent } from '../../idempotency/idempotent.js';
import type { Stores } from '../../stores.js';
import type { DocumentService } from './document-service.js';
import { toDocumentView } from './document-view.js';
import type { DocumentKind, DocumentOf, ListState, StoredDocument } from './types.js';

export interface DocumentRoutesOptions<K extends DocumentKind> {
  kind: K;
  /** Collection path, e.g. /v1/flags. */
  path: string;
  /** Plural for OpenAPI tags and summaries. */
  plural: string;
  readScope: Scope;
  writeScope: Scope;
  /** Flags can be filtered by tag. */
  tagFilter: boolean;
  service: DocumentService<K>;
  stores: Stores;
  config: Pick<ServerConfig, 'maxPageSize' | 'defaultPageSize' | 'idempotencyTtlHours'>;
  /**
   * Fields the reads add beside data and meta (flags: usage): to each list
   * item, read once per page, and to the one document GET answers. Writes
   * answer the document alone.
   */
  readExtra?: ReadExtra;
}

export interface ReadExtra {
  /** Their JSON schemas, by field name. */
  properties: Record<string, unknown>;
  /** The fields of each key of one page (or of the one key GET reads). */
  of(tenant: string, keys: readonly string[]): Promise<(key: string) => Record<string, unknown>>;
}

const keyParams = {
  type: 'object',
  required: ['key'],
  properties: { key: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$' } },
};
const forceQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    force: { type: 'boolean', default: false, description: 'Allow changing a resource managed by Git (recorded as drift).' },
  },
};

/**
 * The six routes of a document resource (list, create, get, replace, archive,
 * restore). Thin: validate (schemas), call the service, shape the reply.
 */
export function registerDocumentRoutes<K extends DocumentKind>(app: FastifyInstance, o: DocumentRoutesOptions<K>): void {
  const tag = o.plural;
  const item = { type: 'object', required: ['data', 'meta'], properties: { data: schemaRef(o.kind), meta: documentMeta } };
  const read = { auth: jwtReadRoute(o.readScope) };
  const write = { auth: jwtRoute(o.writeScope) };
  const readItem = o.readExtra
    ? { ...item, required: [...item.required, ...Object.keys(o.readExtra.properties)], properties: { ...item.properties, ...o.readExtra.properties } }
    : item;
  const reply = (res: FastifyReply, stored: StoredDocument<DocumentOf[K]>, status = 200) =>
    res.code(status).header('etag', etagFor(stored.revision)).send(toDocumentView(stored));

  app.get<{ Querystring: { limit: number; cursor?: string; state: ListState; q?: string; tag?: string } }>(o.path, {
    config: read,
    schema: {
      tags: [tag],
      summary: `List ${o.plural} (keyset-paginated by key)`,
      querystring: listQuery(o.config.maxPageSize, o.config.defaultPageSize, {
        ...stateFilter,
        ...(o.tagFilter ? { tag: { type: 'string', maxLength: 50 } } : {}),
      }),
      response: {
        200: listEnvelope(readItem),
        ...errorResponses,
      },
    },
    handler: async (request) => {
      const { limit, cursor, state, q, tag: tagFilter } = request.query;
      const rows = await o.service.list(tenantOf(request), {
        state,
        limit: limit + 1,
        ...(q === undefined ? {} : { q }),
        ...(tagFilter === undefined ? {} : { tag: tagFilter }),
        ...(cursor === undefined ? {} : { afterKey: decodeCursor(cursor, 'string') }),
      });
      const p = page(rows, limit, (r) => r.key);
      if (o.readExtra === undefined) return { items: p.items.map(toDocumentView), next_cursor: p.next_cursor };
      const extra = await o.readExtra.of(tenantOf(request), p.items.map((r) => r.key));
      return { items: p.items.map((r) => ({ ...toDocumentView(r), ...extra(r.key) })), next_cursor: p.next_cursor };
    },
  });

  app.post<{ Body: DocumentOf[K] }>(o.path, {
    config: { ...write, docHeaders: { idempotencyKey: true } },
    schema: {
      tags: [tag],
      summary: `Create a ${o.kind} (Idempotency-Key supported)`,
      body: schemaRef(o.kind),
      response: { 201: item, ...errorResponses },
    },
    handler: async (request, res) => {
      const tenant = tenantOf(request);
      const ctx = writeContextOf(request);
      const outcome = await idempotent(
        o.stores,
        {
          key: headerValue(request, 'idempotency-key'),
          scope: { tenant, actor: ctx.actor, route: `POST ${o.path}` },
          fingerprintOf: request.body,
          now: new Date(ctx.now),
          ttlHours: o.config.idempotencyTtlHours,
        },
        async () => {
          const stored = await o.service.create(ctx, tenant, request.body as DocumentOf[K]);
          return {
            status: 201,
            headers: { location: `${o.path}/${encodeURIComponent(stored.key)}`, etag: etagFor(stored.revision) },
            body: toDocumentView(stored),
          };
        },
      );
      if (outcome.replayed) void res.header('idempotent-replayed', 'true');
      return res.code(outcome.status).headers(outcome.headers).send(outcome.body);
    },
  });

  app.get<{ Params: { key: string } }>(`${o.path}/:key`, {
    config: read,
    schema: { tags: [tag], summary: `Get a ${o.kind} (ETag)`, params: keyParams, response: { 200: readItem, ...errorResponses } },
    handler: async (request, res) => {
      const tenant = tenantOf(request);
      const stored = await o.service.get(tenant, request.params.key);
      if (o.readExtra === undefined) return reply(res, stored);
      const extra = await o.readExtra.of(tenant, [stored.key]);
      return res.header('etag', etagFor(stored.revision)).send({ ...toDocumentView(stored), ...extra(stored.key) });
    },
  });

  app.put<{ Params: { key: string }; Body: DocumentOf[K]; Querystring: { force: boolean } }>(`${o.path}/:key`, {
    config: { ...write, docHeaders: { ifMatch: 'required' } },
    schema: {
      tags: [tag],
      summary: `Replace a ${o.kind} (If-Match required)`,
      params: keyParams,
      querystring: forceQuery,
      body: schemaRef(o.kind),
      response: { 200: item, ...errorResponses },
    },
    handler: async (request, res) => {
      const stored = await o.service.update(writeContextOf(request), tenantOf(request), request.params.key, request.body as DocumentOf[K], {
        ...ifMatch(request.headers['if-match']),
        force: request.query.force,
      });
      return reply(res, stored);
    },
  });

  app.delete<{ Params: { key: string }; Querystring: { force: boolean } }>(`${o.path}/:key`, {
    config: { ...write, docHeaders: { ifMatch: 'optional' } },
    schema: {
      tags: [tag],
      summary: `Archive a ${o.kind} (soft delete; If-Match optional)`,
      params: keyParams,
      querystring: forceQuery,
      response: { 200: item, ...errorResponses },
    },
    handler: async (request, res) => {
      const stored = await o.service.archive(writeContextOf(request), tenantOf(request), request.params.key, {
        ...ifMatch(request.headers['if-match']),
        force: request.query.force,
      });
      return reply(res, stored);
    },
  });

  app.post<{ Params: { key: string }; Querystring: { force: boolean } }>(`${o.path}/:key/restore`, {
    config: { ...write, docHeaders: { ifMatch: 'optional' } },
    schema: {
      tags: [tag],
      summary: `Restore an archived ${o.kind} (If-Match optional)`,
      params: keyParams,
      querystring: forceQuery,
      response: { 200: item, ...errorResponses },
    },
    handler: async (request, res) => {
      const stored = await o.service.restore(writeContextOf(request), tenantOf(request), request.params.key, {
        ...ifMatch(request.headers['if-match']),
        force: request.query.force,
      });
      return reply(res, stored);
    },
  });
}

const ifMatch = (value: string | undefined) => (value === undefined ? {} : { ifMatch: value });
