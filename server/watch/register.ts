import type { FastifyInstance } from 'fastify';
import { LiveIndex, type LiveIndexDeps } from './live-index.js';
import { registerWatchStatusRoutes } from './status-routes.js';
import { createWatchMetrics } from './watch-metrics.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The database watcher and watch mode; `startServer` starts them (tests may too). */
    live: LiveIndex;
  }
}

/**
 * Wires the live index into the app: builds it (nothing watched yet), its
 * status route and metrics, and stops it before the database closes.
 */
export function registerLiveIndex(
  app: FastifyInstance,
  deps: Omit<LiveIndexDeps, 'metrics' | 'log'> & { registry: Parameters<typeof createWatchMetrics>[0] },
): LiveIndex {
  const { registry, ...rest } = deps;
  const live = new LiveIndex({ ...rest, metrics: createWatchMetrics(registry), log: app.log });
  app.decorate('live', live);
  registerWatchStatusRoutes(app, { status: live.status });
  app.addHook('preClose', async () => live.stop());
  return live;
}
