import type { FastifyBaseLogger } from 'fastify';
import { readCommit } from '../../git/read-commit.js';
import type { ServerConfig } from '../config.js';
import type { Db } from '../db/open.js';
import { PgChangeWatcher, type PgCheckTrigger } from '../db/postgres/change-watcher.js';
import type { StateListener } from '../features/state/state-listener.js';
import type { RefreshReport } from '../evaluation-index/refresh.js';
import { formatDiagnostic } from '../seed.js';
import type { Stores } from '../stores.js';
import { DataVersion } from './data-version.js';
import { DbChangeWatcher, type CheckTrigger } from './db-change-watcher.js';
import { FlagsDirWatcher } from './flags-dir-watcher.js';
import { reconcileDirectory, type ReconcileResult } from './reconcile.js';
import { ReconcileScheduler } from './reconcile-scheduler.js';
import type { WatchMetrics } from './watch-metrics.js';
import { WatchStatus } from './watch-status.js';

const LOGGED_DIAGNOSTICS = 50;

export interface WatchSupervisorDeps {
  config: Pick<ServerConfig, 'dbPath' | 'databaseUrl' | 'watchDb' | 'watchDbCheckMs' | 'watchDir' | 'watchDebounceMs'>;
  /** The SQLite connection (undefined on PostgreSQL). */
  sqlite: Db | undefined;
  stores: Stores;
  listener: StateListener;
  metrics: WatchMetrics;
  log: FastifyBaseLogger;
  /** Reloads whatever the database holds that the in-memory indexes do not (app.ff.refreshFromDatabase). */
  refresh(): Promise<RefreshReport>;
}

/**
 * Starts, supervises and stops the watchers that keep this process's
 * in-memory index live:
 * - database watch: another process's commit to the shared SQLite file is
 *   reloaded within milliseconds (DbChangeWatcher); on PostgreSQL, another
 *   replica's commit arrives by LISTEN/NOTIFY (PgChangeWatcher), with a
 *   catch-up on every (re)connect;
 * - watch mode (FF_WATCH_DIR / `serve --watch DIR`): a flags directory is
 *   reconciled into the database on every change (debounced, serialised),
 *   keeping each tenant's last good state when its files are invalid.
 * Built with the app (so the data_version baseline predates the index load);
 * started by the launcher, so an app built by a test watches nothing unless told.
 */
export class WatchSupervisor {
  readonly status: WatchStatus;
  private readonly dataVersion: DataVersion | undefined;
  private dbWatcher: DbChangeWatcher | undefined;
  private pgWatcher: PgChangeWatcher | undefined;
  private dirWatcher: FlagsDirWatcher | undefined;
  private scheduler: ReconcileScheduler | undefined;

  constructor(private readonly deps: WatchSupervisorDeps) {
    this.status = new WatchStatus(deps.config.watchDir);
    this.dataVersion = deps.sqlite === undefined ? undefined : new DataVersion(deps.sqlite);
  }

  /** Starts what the configuration asks for; with watch mode, resolves after the first reconcile. */
  async start(): Promise<void> {
    const { config, log } = this.deps;
    if (config.watchDb && config.databaseUrl !== null) await this.startPgWatcher(config.databaseUrl, config.watchDbCheckMs);
    if (config.watchDb && this.dataVersion !== undefined && config.dbPath !== ':memory:') {
      this.dbWatcher = new DbChangeWatcher({
        dbPath: config.dbPath,
        dataVersion: this.dataVersion,
        safetyNetMs: config.watchDbCheckMs,
        reload: (trigger) => this.reloadFromDatabase(trigger),
        onError: (err) => log.error({ err }, 'database watch: check failed; the safety net retries'),
      });
      await this.dbWatcher.start();
    }
    if (config.watchDir !== null) {
      const dir = config.watchDir;
      const scheduler = new ReconcileScheduler(() => this.reconcile(dir), config.watchDebounceMs);
      this.scheduler = scheduler;
      this.dirWatcher = new FlagsDirWatcher(dir, () => scheduler.poke(), (err) => log.error({ err, dir }, 'watch: file watcher error'));
      await this.dirWatcher.start();
      log.info({ dir }, 'watch: reconciling the flags directory on every change');
      await scheduler.runNow();
    }
  }

  /** Resolves once no reconcile is running or due (tests wait on it after touching files). */
  idle(): Promise<void> {
    return this.scheduler?.idle() ?? Promise.resolve();
  }

  async stop(): Promise<void> {
    await Promise.all([this.dbWatcher?.stop(), this.pgWatcher?.stop(), this.dirWatcher?.stop()]);
    await this.scheduler?.stop();
  }

  /**
   * PostgreSQL: every replica LISTENs for committed changes and reloads what
   * differs from memory on each notification and on every (re)connect (the
   * catch-up: notifications sent while away are gone). While the feed is
   * down, evaluation keeps serving the last loaded index; the gauge and the
   * log say it may be stale.
   */
  private async startPgWatcher(url: string, safetyNetMs: number): Promise<void> {
    const { metrics, log } = this.deps;
    const watcher = new PgChangeWatcher({
      url,
      safetyNetMs,
      reload: (trigger) => this.reloadFromDatabase(trigger),
      onError: (err) => log.warn({ err }, 'database change feed: error; reconnecting with backoff'),
      onState: (state) => {
        metrics.indexStale.set(state === 'connected' ? 0 : 1);
        if (state === 'disconnected') log.warn('database change feed lost: evaluation serves the last loaded index (stale) until it reconnects');
        else log.info('database change feed connected; catching up from the revisions log');
      },
    });
    this.pgWatcher = watcher;
    metrics.indexStale.set(1);
    // A failed first connect is retried by the watcher itself; the index loads meanwhile.
    await watcher.start().catch(() => undefined);
  }

  private async reloadFromDatabase(trigger: CheckTrigger | PgCheckTrigger): Promise<void> {
    const report = await this.deps.refresh();
    if (report.state.length === 0 && report.keys.length === 0) return;
    this.deps.metrics.dbReloads.inc({ trigger });
    this.deps.log.info({ trigger, tenants: report.state, keys: report.keys }, 'reloaded what another process committed');
  }

  private async reconcile(dir: string): Promise<void> {
    const { stores, listener, metrics, log } = this.deps;
    let result: ReconcileResult;
    try {
      result = await reconcileDirectory({ stores, listener, dir, readCommit });
    } catch (err) {
      metrics.reconciles.inc({ result: 'failed' });
      metrics.reconcileFailures.inc();
      log.error({ err, dir }, 'watch: reconcile failed; the last good state keeps serving');
      return;
    }
    this.status.record(result);
    this.report(dir, result);
  }

  private report(dir: string, result: ReconcileResult): void {
    const { metrics, log } = this.deps;
    const sha = result.commit?.sha ?? null;
    if (result.gitProblem !== undefined) log.warn({ dir, problem: result.gitProblem }, 'watch: could not read the Git commit; applied without one');
    for (const t of result.tenants) {
      if (t.outcome === 'applied') log.info({ tenant: t.tenant, revision: t.revision, changes: t.changes, commit: sha }, 'watch: applied');
      if (t.outcome === 'failed') log.error({ tenant: t.tenant, message: t.message }, 'watch: writing the tenant failed');
    }
    const failed = result.tenants.filter((t) => t.outcome !== 'applied' && t.outcome !== 'unchanged');
    if (failed.length === 0 && result.repositoryErrors.length === 0) {
      metrics.reconciles.inc({ result: 'ok' });
      metrics.lastSuccess.setToCurrentTime();
      return;
    }
    metrics.reconciles.inc({ result: 'failed' });
    metrics.reconcileFailures.inc();
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    log.error(
      {
        dir,
        commit: sha,
        tenants: failed.map((t) => t.tenant),
        error_count: errors.length,
        diagnostics: errors.slice(0, LOGGED_DIAGNOSTICS).map(formatDiagnostic),
      },
      'watch: invalid flags; the last good state keeps serving',
    );
  }
}
