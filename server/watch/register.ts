import type { FastifyInstance } from 'fastify';
import { WatchSupervisor, type WatchSupervisorDeps } from './watch-supervisor.js';
import { registerWatchStatusRoutes } from './status-routes.js';
import { createWatchMetrics } from './watch-metrics.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The database watcher and watch mode; `startServer` starts them (tests may too). */
    watchers: WatchSupervisor;
  }
}

/**
 * Wires the watchers into the app: builds their supervisor (nothing watched
 * yet), its status route and metrics, and stops it before the database closes.
 */
export function registerWatchSupervisor(
  app: FastifyInstance,
  deps: Omit<WatchSupervisorDeps, 'metrics' | 'log'> & { registry: Parameters<typeof createWatchMetrics>[0] },
): WatchSupervisor {
  const { registry, ...rest } = deps;
  const watchers = new WatchSupervisor({ ...rest, metrics: createWatchMetrics(registry), log: app.log });
  app.decorate('watchers', watchers);
  registerWatchStatusRoutes(app, { status: watchers.status });
  app.addHook('preClose', async () => watchers.stop());
  return watchers;
}
