import type { ApiKeyIndex } from '../auth/key-index.js';
import type { Stores } from '../stores.js';
import type { EvaluationIndex } from './evaluation-index.js';
import { catchUp } from '../features/state/catch-up.js';
import { readConsistentSnapshot } from '../features/state/tenant-snapshot.js';

export interface RefreshReport {
  /** Tenants whose state was reloaded. */
  state: string[];
  /** Tenants whose API keys were reloaded. */
  keys: string[];
}

/**
 * Brings the in-memory indexes up to the database by comparing each tenant's
 * change marks (revision, keys_version) with what this process holds: one
 * small query, then reads only the tenants that changed. Start-up uses it;
 * the database watcher calls it when another process committed.
 */
export class IndexRefresher {
  private readonly keysSeen = new Map<string, number>();
  /** Refreshes run one at a time (each compares with what the previous one loaded). */
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly stores: Stores,
    private readonly index: EvaluationIndex,
    private readonly keys: ApiKeyIndex,
  ) {}

  refresh(): Promise<RefreshReport> {
    return this.serialized(() => this.refreshNow());
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.running.catch(() => undefined).then(fn);
    this.running = next;
    return next;
  }

  private async refreshNow(): Promise<RefreshReport> {
    const report: RefreshReport = { state: [], keys: [] };
    const marks = await this.stores.tenants.changeMarks();
    for (const mark of marks) {
      if (this.index.revision(mark.tenant) !== mark.revision) {
        if (await this.reload(mark.tenant, mark.revision)) report.state.push(mark.tenant);
      }
      if (this.keysSeen.get(mark.tenant) !== mark.keysVersion) {
        this.keys.loadTenant(mark.tenant, await this.stores.apiKeys.all(mark.tenant));
        this.keysSeen.set(mark.tenant, mark.keysVersion);
        report.keys.push(mark.tenant);
      }
    }
    const present = new Set(marks.map((m) => m.tenant));
    for (const tenant of this.index.tenantKeys()) if (!present.has(tenant)) this.index.remove(tenant);
    return report;
  }

  /**
   * Another process committed: learn what changed from the revisions log and
   * read only those rows, then derive the new snapshots from the held ones.
   * The reads are separate statements, so a catch-up is kept only when the
   * tenant revision did not move across them; otherwise (or when the log
   * cannot say) the whole tenant is read, consistently.
   */
  private async reload(tenant: string, revision: number): Promise<boolean> {
    const held = this.index.entry(tenant);
    if (held && held.revision < revision) {
      const caught = await catchUp(this.stores, tenant, held, revision);
      if (caught && (await this.stores.tenants.get(tenant))?.revision === revision) {
        return this.index.load(caught.state, revision, { base: held.revision, change: caught.change });
      }
    }
    const { snapshot, consistent } = await readConsistentSnapshot(this.stores, tenant);
    return consistent && snapshot.row !== undefined && this.index.load(snapshot.state, snapshot.revision);
  }

  /** This process committed a key change itself: remember the version it wrote. */
  keysCommitted(tenant: string): Promise<void> {
    return this.serialized(async () => {
      this.keys.loadTenant(tenant, await this.stores.apiKeys.all(tenant));
      const mark = await this.stores.tenants.get(tenant);
      if (mark) this.keysSeen.set(tenant, mark.keysVersion);
    });
  }
}
