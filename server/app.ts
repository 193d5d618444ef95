import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance, type RawServerDefault, type RouteOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { DestinationStream } from 'pino';
import { createJwtVerifier } from './auth/jwt.js';
import { registerAuthentication } from './auth/authenticate.js';
import { ApiKeyIndex } from './auth/key-index.js';
import type { ServerConfig } from './config.js';
import type { Db } from './db/open.js';
import { openStore, type StoreKind } from './db/open-store.js';
import type { PgDatabase } from './db/postgres/database.js';
import { registerApiKeyRoutes } from './features/api-keys/routes.js';
import { registerConsoleRoutes } from './features/console/routes.js';
import { installCors } from './features/cors/cors.js';
import { registerApplyRoutes } from './features/apply/routes.js';
import { registerAuditRoutes } from './features/audit/routes.js';
import { registerEnvironmentRoutes } from './features/environments/routes.js';
import { createExperiments, type Experiments } from './features/experiments/experiments.js';
import { registerExperimentRoutes } from './features/experiments/routes.js';
import { composeObservers, metricsObserver } from './features/evaluate/observe-evaluations.js';
import { registerOfrepRoutes } from './features/evaluate/ofrep-routes.js';
import { registerEvaluateRoutes } from './features/evaluate/routes.js';
import { registerFlagRoutes } from './features/flags/routes.js';
import { registerHealthRoutes } from './features/health/routes.js';
import { registerSegmentRoutes } from './features/segments/routes.js';
import type { ChangeFeed } from './features/stream/change-feed.js';
import { registerStreamRoutes } from './features/stream/routes.js';
import { registerStateRoutes } from './features/state/routes.js';
import { UsageRecorder } from './features/usage/usage-recorder.js';
import { registerUsageRoutes } from './features/usage/routes.js';
import type { StateListener } from './features/state/state-listener.js';
import { createClientErrorHandler, frameworkErrorHandler, installClosingGuard, installErrorHandling } from './http/error-handler.js';
import { installJsonBodyReader } from './http/json-body.js';
import { documentRoute, finishDocument } from './http/openapi.js';
import { installRouteDocs } from './http/route-docs.js';
import { securityHeaders } from './http/security-headers.js';
import { installValidation } from './http/validation.js';
import { EvaluationIndex } from './evaluation-index/evaluation-index.js';
import { indexUpdater, loadIndexes } from './evaluation-index/load-index.js';
import { IndexRefresher, type RefreshReport } from './evaluation-index/refresh.js';
import { createLogger, defaultLogDestination, requestLoggerFactory } from './observability/logger.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { installRequestHooks } from './observability/request-hooks.js';
import { seedFromDirectory, type SeedReport } from './seed.js';
import { createServices, type Services } from './services.js';
import type { Stores } from './stores.js';
import { registerWatchSupervisor } from './watch/register.js';

export interface AppDeps {
  /** Where JSON log lines go (default stdout). */
  logDestination?: DestinationStream;
  /** Sees every route as it is registered (the route-table authorization test enumerates them). */
  onRoute?: (route: RouteOptions) => void;
  /** Awaited before the index loads (tests use it to observe /readyz = 503). */
  beforeIndexLoad?: () => Promise<void>;
}

/** What the app holds beyond Fastify: for the launcher, the tests and the watchers. */
export interface FfContext {
  config: ServerConfig;
  /** Which database the stores run on (FF_DATABASE_URL set: postgres). */
  storeKind: StoreKind;
  /** The SQLite connection; reading it on a PostgreSQL app throws (tests reach the tables through it). */
  db: Db;
  /** The PostgreSQL pool and transactions; undefined on SQLite. */
  postgres: PgDatabase | undefined;
  /** Resolves once the database answers and is migrated (PostgreSQL retries with backoff meanwhile). */
  storeReady(): Promise<void>;
  stores: Stores;
  services: Services;
  index: EvaluationIndex;
  keys: ApiKeyIndex;
  metrics: Metrics;
  listener: StateListener;
  /** Exposure recording, metric events and results. */
  experiments: Experiments;
  /** Counts served evaluations per flag; flushed in the background and when the app closes. */
  usage: UsageRecorder;
  /** Loads (or reloads) every tenant into the in-memory indexes and marks the app ready. */
  loadIndexes(): Promise<void>;
  /** Resolves once the index load started at listen time has finished. */
  whenReady(): Promise<void>;
  /** Reloads whatever another process changed in the database (the database watcher calls this). */
  refreshFromDatabase(): Promise<RefreshReport>;
  /** Makes the stored state of every tenant in `dir` equal to its files (source `seed`). */
  seed(dir: string): Promise<SeedReport>;
}

declare module 'fastify' {
  interface FastifyInstance {
    ff: FfContext;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The ONE factory of the HTTP app, used by the launcher and the tests. Opens
 * (and migrates) the database; the index loads when the server starts
 * listening (or when `app.ff.loadIndexes()` is called), so /readyz is 503
 * until then. Closing the app closes the database.
 */
export async function buildApp(config: ServerConfig, deps: AppDeps = {}): Promise<FastifyInstance> {
  const logDestination = deps.logDestination ?? defaultLogDestination();
  const logger = createLogger(config.logLevel, logDestination);
  const store = openStore(config, logger);
  const { stores } = store;
  const metrics = createMetrics();
  const index = new EvaluationIndex({
    loaded: (tenant, revision) => metrics.indexRevision.set({ tenant }, revision),
    failed: (tenant, err) => {
      metrics.indexReloadFailures.inc({ tenant });
      logger.error({ err, tenant }, 'building the evaluation snapshot failed; the previous one keeps serving');
    },
  });
  const keys = new ApiKeyIndex();
  const refresher = new IndexRefresher(stores, index, keys);
  // Applies that only clear drift swap no index: they reach the change stream's feed (registered with the routes below) through here.
  const stream: { feed?: ChangeFeed } = {};
  const listener = indexUpdater(index, refresher, (tenant, revision) => stream.feed?.marksCommitted(tenant, revision));
  const services = createServices(stores, listener);
  const experiments = createExperiments({ store: stores.experimentData, revisions: stores.revisions, index, config, onError: (err, what) => logger.error({ err }, what) });
  const usage = new UsageRecorder({
    store: stores.usage,
    flushMs: config.usageFlushMs,
    retentionDays: config.usageRetentionDays,
    flushed: (increments) => {
      metrics.usageFlushes.inc({ result: 'ok' });
      for (const i of increments) metrics.flagEvaluations.inc({ tenant: i.tenant, environment: i.environment, flag: i.flag }, i.count);
    },
    failed: (err) => {
      metrics.usageFlushes.inc({ result: 'error' });
      logger.warn({ err }, 'flushing usage counts failed; they are kept for the next flush');
    },
  });

  const app = Fastify<RawServerDefault>({
    loggerInstance: logger,
    // One line per request is written by observability/request-hooks.ts instead of fastify's two.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'request_id' }),
    childLoggerFactory: requestLoggerFactory,
    bodyLimit: config.bodyLimit,
    exposeHeadRoutes: false,
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    routerOptions: { maxParamLength: 256 },
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler: createClientErrorHandler(logger),
    // The closing guard below answers instead, in the one error shape.
    return503OnClosing: false,
  }) as unknown as FastifyInstance;

  let loading: Promise<void> | undefined;
  const load = async () => {
    await store.ready();
    await deps.beforeIndexLoad?.();
    await loadIndexes(refresher, index);
  };
  // At listen time nobody awaits the load: log a failure (readiness stays 503).
  const loadInBackground = () =>
    load().catch((err: unknown) => logger.error({ err }, 'loading the evaluation index failed'));
  app.decorate('ff', {
    config,
    storeKind: store.kind,
    get db(): Db {
      if (store.sqlite === undefined) throw new Error('this app runs on PostgreSQL: it has no SQLite connection');
      return store.sqlite;
    },
    postgres: store.postgres,
    storeReady: () => store.ready(),
    stores,
    services,
    index,
    keys,
    metrics,
    listener,
    experiments,
    usage,
    loadIndexes: () => (loading = load()),
    whenReady: () => loading ?? (loading = loadInBackground()),
    refreshFromDatabase: () => refresher.refresh(),
    seed: (dir: string) => seedFromDirectory(stores, listener, dir),
  } satisfies FfContext);

  if (deps.onRoute) app.addHook('onRoute', deps.onRoute);
  // JSON only: any other request media type is 415.
  app.removeContentTypeParser('text/plain');
  installJsonBodyReader(app);
  installValidation(app);
  installErrorHandling(app);
  installRouteDocs(app);
  // Request id, metrics, log line and security headers before authentication,
  // so a 401/403 carries them too.
  installRequestHooks(app, { metrics, logger, destination: logDestination, setHeaders: securityHeaders() });
  installClosingGuard(app);
  // Until the index has loaded, no tenant is known to be missing: the routes answer 503 themselves.
  registerAuthentication(app, { verifyJwt: createJwtVerifier(config), keys, tenantExists: (t) => !index.ready || index.entry(t) !== undefined });
  installCors(app, { index });
  await app.register(swagger, {
    // Name shared schemas after their title (Flag, Segment, Environment) rather than def-N.
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.title === 'string' ? json.title : `def-${i}`),
    },
    // Docs only: operationIds, scopes, headers and examples (server/http/openapi.ts).
    transform: documentRoute,
    transformObject: finishDocument,
    openapi: {
      // 3.1: the schemas are JSON Schema 2020-12 (propertyNames, if/else), which 3.0 cannot carry.
      openapi: '3.1.0',
      info: {
        title: 'ff',
        version: '0.1.0',
        description: 'GitOps feature flags: management REST API, evaluation and OFREP.',
        license: { name: 'MIT', identifier: 'MIT' },
      },
      servers: [{ url: '/', description: 'This server' }],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          apiKeyAuth: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        },
      },
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    // Swagger UI sets inline styles (the browser console reports each one
    // refused under `style-src 'self' https:`); scripts stay 'self' only.
    transformStaticCSP: (header) => header.replace(/style-src ([^;]*);/, (_m, sources: string) => `style-src ${sources.trim()} 'unsafe-inline';`),
  });

  registerHealthRoutes(app, { index, metrics });
  registerFlagRoutes(app, { service: services.flags, stores, config });
  registerSegmentRoutes(app, { service: services.segments, stores, config });
  registerEnvironmentRoutes(app, { service: services.environments, stores, config });
  registerApiKeyRoutes(app, { service: services.apiKeys, stores, config });
  registerAuditRoutes(app, { audit: stores.audit, config });
  registerStateRoutes(app, { stores });
  registerUsageRoutes(app, { usage: stores.usage });
  registerApplyRoutes(app, { stores, listener, config });
  // Everything that learns from served evaluations, called once per request.
  const observer = composeObservers(config.usage ? [metricsObserver(metrics), usage, experiments.recorder.observer()] : [metricsObserver(metrics), experiments.recorder.observer()]);
  registerEvaluateRoutes(app, { index, observer });
  registerOfrepRoutes(app, { index, observer });
  registerExperimentRoutes(app, { index, service: experiments.service });
  stream.feed = registerStreamRoutes(app, { index, revisions: stores.revisions, metrics, heartbeatMs: config.streamHeartbeatMs, log: logger });
  registerConsoleRoutes(app, { config });
  registerWatchSupervisor(app, { config, sqlite: store.sqlite, stores, listener, registry: metrics.registry, refresh: () => refresher.refresh() });

  app.addHook('onListen', async () => {
    // Listening first, then loading: liveness answers while a large index builds.
    loading ??= loadInBackground();
    experiments.start();
    usage.start();
  });
  app.addHook('onClose', async () => {
    index.stop();
    store.abort();
    await loading?.catch(() => {});
    await experiments.close().catch((err: unknown) => logger.error({ err }, 'writing the last experiment exposures failed'));
    // The last counts of this process, before the database closes.
    await usage.stop();
    await store.close();
    await new Promise<void>((resolve) => logger.flush(() => resolve()));
  });
  return app;
}
