import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EvaluationIndex } from '../../evaluation-index/evaluation-index.js';

/**
 * CORS for the evaluation routes, so a page on another origin can use the
 * stock OpenFeature web SDK with the OFREP web provider. Which origins may
 * read a response is the environment's `allowedOrigins` (in the flags
 * repository, reviewed like any flag): a key of `acme/production` answers a
 * page of an origin that acme's production lists, and no other.
 *
 * A preflight carries no credential, so it cannot name the environment: it is
 * granted when any environment lists the origin, and the real response then
 * carries `Access-Control-Allow-Origin` only when the caller's own
 * environment does — without it the browser hands the page nothing. The
 * management API sends no CORS headers at all.
 */

const EVALUATION_PATH = /^\/(v1\/(evaluate(\/bulk|\/preview)?|config|stream)|ofrep\/v1\/evaluate\/flags(\/[^/?]*)?)(\?|$)/;
const ALLOW_METHODS = 'GET, POST, OPTIONS';
const ALLOW_HEADERS = 'authorization, content-type, x-api-key, x-tenant-id, x-environment, if-none-match, last-event-id';
const EXPOSE_HEADERS = 'etag';
const PREFLIGHT_MAX_AGE_S = '600';

/** Origins allowed per tenant and environment, rebuilt for a tenant whenever its index entry is swapped. */
class OriginTable {
  private readonly byTenant = new Map<string, Map<string, ReadonlySet<string>>>();
  private anywhere = new Set<string>();

  constructor(private readonly index: EvaluationIndex) {
    for (const tenant of index.tenantKeys()) this.reload(tenant);
    index.onSwap((swap) => this.reload(swap.tenant));
  }

  allows(tenant: string, environment: string, origin: string): boolean {
    return this.byTenant.get(tenant)?.get(environment)?.has(origin) ?? false;
  }

  allowsAnywhere(origin: string): boolean {
    return this.anywhere.has(origin);
  }

  private reload(tenant: string): void {
    const environments = new Map<string, ReadonlySet<string>>();
    for (const env of this.index.entry(tenant)?.state.environments ?? []) {
      if (env.allowedOrigins !== undefined && env.allowedOrigins.length > 0) environments.set(env.key, new Set(env.allowedOrigins));
    }
    if (environments.size === 0) this.byTenant.delete(tenant);
    else this.byTenant.set(tenant, environments);
    const anywhere = new Set<string>();
    for (const envs of this.byTenant.values()) for (const origins of envs.values()) for (const o of origins) anywhere.add(o);
    this.anywhere = anywhere;
  }
}

/** The environment a request evaluates in: the API key's, else what a JWT caller named. */
function environmentOf(request: FastifyRequest): string | undefined {
  const principal = request.principal;
  if (principal?.kind === 'api_key') return principal.environment;
  const query = request.query as { environment?: unknown } | undefined;
  const body = request.body as { environment?: unknown } | undefined;
  const named = query?.environment ?? (typeof body === 'object' && body !== null ? body.environment : undefined) ?? request.headers['x-environment'];
  return typeof named === 'string' ? named : undefined;
}

function tenantOfRequest(request: FastifyRequest): string | undefined {
  const principal = request.principal;
  if (principal?.kind === 'api_key') return principal.tenant;
  return request.tenant ?? undefined;
}

export function installCors(app: FastifyInstance, deps: { index: EvaluationIndex }): void {
  let table: OriginTable | undefined;
  const origins = () => (table ??= new OriginTable(deps.index));

  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done) => {
    const origin = request.headers.origin;
    if (request.method !== 'OPTIONS' || origin === undefined || request.headers['access-control-request-method'] === undefined || !EVALUATION_PATH.test(request.url)) {
      return done();
    }
    void reply.header('vary', 'Origin');
    if (origins().allowsAnywhere(origin)) {
      void reply.headers({
        'access-control-allow-origin': origin,
        'access-control-allow-methods': ALLOW_METHODS,
        'access-control-allow-headers': ALLOW_HEADERS,
        'access-control-max-age': PREFLIGHT_MAX_AGE_S,
      });
    }
    // Answered here: no route handles OPTIONS. Without the allow headers the browser refuses.
    void reply.code(204).send();
  });

  app.addHook('onSend', (request: FastifyRequest, reply: FastifyReply, payload, done) => {
    const origin = request.headers.origin;
    if (origin === undefined || request.method === 'OPTIONS' || !EVALUATION_PATH.test(request.url)) return done(null, payload);
    void reply.header('vary', 'Origin');
    const tenant = tenantOfRequest(request);
    const environment = environmentOf(request);
    if (tenant !== undefined && environment !== undefined && origins().allows(tenant, environment, origin)) {
      void reply.header('access-control-allow-origin', origin).header('access-control-expose-headers', EXPOSE_HEADERS);
    }
    done(null, payload);
  });
}
