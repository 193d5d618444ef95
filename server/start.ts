import { existsSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps } from './app.js';
import { mintToken } from './auth/dev-token.js';
import { renderBanner, type BannerInfo } from './banner.js';
import type { ServerConfig } from './config.js';

export interface Started {
  app: FastifyInstance;
  /** http://host:port actually bound (port 0 → the chosen one). */
  url: string;
  banner: string;
  close(): Promise<void>;
}

/**
 * `serve`'s start-up path, shared by the launcher and the end-to-end test:
 * open + migrate the database, load FF_SEED_DIR when the database has no
 * tenant yet (first start), listen, load the index, and describe it all.
 */
export async function startServer(config: ServerConfig, deps: AppDeps = {}): Promise<Started> {
  let seeded: BannerInfo['seeded'];
  // Watch the shared database and, in watch mode, reconcile the flags
  // directory. A watched directory is the source of truth, so the
  // first-start seed from FF_SEED_DIR only runs without one.
  const prepare = async (app: FastifyInstance) => {
    await app.watchers.start();
    if (config.watchDir === null && (await app.ff.stores.tenants.list()).length === 0) {
      if (existsSync(config.seedDir)) {
        const report = await app.ff.seed(config.seedDir);
        seeded = { dir: config.seedDir, tenants: report.tenants.length };
        app.log.info({ dir: config.seedDir, tenants: report.tenants }, 'first start: loaded the seed directory');
      } else {
        app.log.warn({ dir: config.seedDir }, 'first start: seed directory not found; starting empty');
      }
    }
  };
  // PostgreSQL may not be reachable yet: listen first (liveness answers,
  // readiness is 503) and prepare once the database answers, before the
  // index loads. SQLite is opened already: prepare, then listen.
  const postgres = config.databaseUrl !== null;
  const app: FastifyInstance = await buildApp(
    config,
    postgres
      ? {
          ...deps,
          beforeIndexLoad: async () => {
            await deps.beforeIndexLoad?.();
            await prepare(app);
          },
        }
      : deps,
  );
  try {
    if (!postgres) await prepare(app);
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    await app.close();
    throw err;
  }
  await app.ff.whenReady();
  if (postgres && !app.ff.index.ready) {
    // Not a database that is merely unreachable (that is retried): a refused
    // login, a changed migration, an invalid seed. Stop, as SQLite's start does.
    await app.close();
    throw new Error('the server could not start on PostgreSQL (the log says why)');
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const banner = renderBanner({
    url,
    dev: config.dev,
    ...(config.dev ? { token: await mintToken({ secret: config.jwtSecret }) } : {}),
    ...(config.jwtSecretGenerated ? { generatedSecret: config.jwtSecret } : {}),
    ...(seeded ? { seeded } : {}),
    example: exampleFor(app),
  });
  return { app, url, banner, close: () => app.close() };
}

/** A real tenant, environment and flag for the banner's curl lines. */
function exampleFor(app: FastifyInstance): BannerInfo['example'] {
  const tenant = app.ff.index.tenantKeys().sort()[0];
  if (tenant === undefined) return undefined;
  const entry = app.ff.index.entry(tenant);
  const environment = entry?.state.environments.at(-1)?.key;
  const flag = entry?.state.flags[0]?.key;
  return { tenant, ...(environment ? { environment } : {}), ...(flag ? { flag } : {}) };
}

/** SIGTERM/SIGINT: stop accepting, finish in-flight requests, close the database, exit. */
export function closeOnSignals(started: Started, exit: (code: number) => void = (c) => process.exit(c)): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    started.app.log.info({ signal }, 'shutting down');
    started.close().then(
      () => exit(0),
      (err: unknown) => {
        started.app.log.error({ err }, 'shutdown failed');
        exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
