import type { FastifySchema, RouteOptions } from 'fastify';
import type { SwaggerTransform, SwaggerTransformObject } from '@fastify/swagger';
import type { RouteAuth } from '../auth/route-auth.js';
import { IDEMPOTENCY_KEY_PATTERN } from '../idempotency/idempotent.js';
import { REQUEST_EXAMPLES } from './openapi-examples.js';
import { stalePlanDetail } from './schemas.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Request headers the route reads that its validation schema does not require (documented only). */
    docHeaders?: { ifMatch?: 'required' | 'optional'; idempotencyKey?: true };
  }
}

/**
 * The operationId of a route, derived from its method and URL so that no
 * route can lack one and two cannot share one: `GET /v1/flags/:key` →
 * `getFlagsByKey`, `POST /ofrep/v1/evaluate/flags` → `postOfrepEvaluateFlags`.
 */
export function operationIdOf(method: string, url: string): string {
  const words = url
    .split('/')
    .filter((part) => part !== '' && part !== 'v1')
    .map((part) => (part.startsWith(':') ? `by-${part.slice(1)}` : part))
    .flatMap((part) => part.split(/[-_.]/));
  return [method.toLowerCase(), ...words.map((w) => w.charAt(0).toUpperCase() + w.slice(1))].join('');
}

const header = (description: string, extra: Record<string, unknown> = {}) => ({ type: 'string', description, ...extra });

/** The headers a route reads, for the document (validation keeps its own, looser, schema so errors keep their codes). */
function documentedHeaders(auth: RouteAuth, route: RouteOptions): { properties: Record<string, unknown>; required: string[] } {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  if (auth.kind === 'jwt') {
    properties['x-tenant-id'] = header('The tenant acted on; the token must cover it.', { examples: ['acme'] });
    required.push('x-tenant-id');
  } else if (auth.kind === 'evaluation') {
    properties['x-tenant-id'] = header('The tenant (required with a JWT; an API key names its own).', { examples: ['acme'] });
    if (route.config?.errorFormat !== undefined) {
      properties['x-environment'] = header('The environment (required with a JWT; an API key names its own, and must match).', {
        examples: ['production'],
      });
    }
  }
  const docs = route.config?.docHeaders;
  if (docs?.ifMatch !== undefined) {
    properties['if-match'] = header(
      docs.ifMatch === 'required'
        ? 'The ETag the change was based on (from GET or the last write); 428 without it, 412 when it is stale.'
        : 'The ETag the change is based on; 412 when it is stale.',
      { examples: ['"7"'] },
    );
    if (docs.ifMatch === 'required') required.push('if-match');
  }
  if (docs?.idempotencyKey === true) {
    properties['idempotency-key'] = header('Replays of the same key and body get the first answer; another body with it is 422.', {
      pattern: IDEMPOTENCY_KEY_PATTERN.source,
      examples: ['3f2c1a9e-create-checkout'],
    });
  }
  return { properties, required };
}

/**
 * @fastify/swagger's per-route transform: the document gets an operationId,
 * the scopes (in the security requirement, `x-scopes` and the description)
 * and every header the route reads, from the route's own config — nothing is
 * listed twice by hand.
 */
export const documentRoute: SwaggerTransform = ({ schema, url, route }) => {
  const auth = route.config?.auth;
  const base: Record<string, unknown> = { ...(schema as Record<string, unknown> | undefined) };
  if (auth === undefined || base.hide === true) return { schema: base as FastifySchema, url };
  const method = String(Array.isArray(route.method) ? route.method[0] : route.method);
  base.operationId ??= operationIdOf(method, url);
  if (auth.kind !== 'public') {
    const scopes = [...auth.scopes];
    base['x-scopes'] = scopes;
    const said = `${scopes.length === 1 ? 'Scope' : 'Scopes'}: ${scopes.map((s) => `\`${s}\``).join(' or ')}${auth.kind === 'evaluation' ? ', or an evaluation API key' : ''}.${auth.existingTenant === true ? ' A tenant with no state on the server is `404 UNKNOWN_TENANT`.' : ''}`;
    base.description = typeof base.description === 'string' ? `${base.description}\n\n${said}` : said;
    base.security = auth.kind === 'jwt' ? [{ bearerAuth: scopes }] : [{ apiKeyAuth: [] }, { bearerAuth: scopes }];
    const { properties, required } = documentedHeaders(auth, route);
    if (Object.keys(properties).length > 0) base.headers = { type: 'object', properties, ...(required.length > 0 ? { required } : {}) };
  }
  return { schema: base as FastifySchema, url };
};

type OpenApiObject = Record<string, unknown> & {
  paths?: Record<string, Record<string, Record<string, unknown>>>;
  components?: Record<string, unknown> & { schemas?: Record<string, unknown> };
};

/**
 * The whole document, once built: where it is served, its licence, the request
 * examples by operationId, and the shapes inside the error body's open
 * `details` that clients read (no route schema names them).
 */
export const finishDocument: SwaggerTransformObject = (documentObject) => {
  const doc = structuredClone((documentObject as { openapiObject: unknown }).openapiObject) as OpenApiObject;
  doc.components = { ...doc.components, schemas: { ...doc.components?.schemas, StalePlanDetail: stalePlanDetail } };
  for (const item of Object.values(doc.paths ?? {})) {
    for (const operation of Object.values(item)) {
      const id = operation.operationId as string | undefined;
      const media = (operation.requestBody as { content?: Record<string, Record<string, unknown>> } | undefined)?.content?.['application/json'];
      const examples = id === undefined ? undefined : REQUEST_EXAMPLES[id];
      if (media !== undefined && examples !== undefined) {
        media.examples = Object.fromEntries(Object.entries(examples).map(([name, value]) => [name, { value }]));
      }
      // Errors are JSON even where the success is not (the event stream's
      // `produces` would otherwise label its 4xx/5xx as text/event-stream).
      for (const [status, response] of Object.entries((operation.responses ?? {}) as Record<string, { content?: Record<string, unknown> }>)) {
        const content = response.content;
        if (!/^[45]/.test(status) || content === undefined || 'application/json' in content) continue;
        const [first] = Object.values(content);
        if (first !== undefined) response.content = { 'application/json': first };
      }
    }
  }
  return doc as ReturnType<SwaggerTransformObject>;
};
