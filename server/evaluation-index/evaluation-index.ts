import type { TenantState } from '../../core/model/index.js';
import { buildSnapshot, updateSnapshot, type Snapshot } from '../../core/engine/index.js';
import type { CommittedChange } from '../features/state/state-listener.js';
import { buildConfigDocument, type ConfigDocument } from './config-document.js';

/** Everything evaluation needs for one tenant at one revision. Never mutated after creation. */
export class TenantEntry {
  private readonly configs = new Map<string, ConfigDocument>();

  constructor(
    readonly tenant: string,
    readonly revision: number,
    readonly state: TenantState,
    readonly snapshots: ReadonlyMap<string, Snapshot>,
  ) {}

  /** The SDK config download of one environment, serialized once per revision on first use. */
  config(environment: string): ConfigDocument | undefined {
    if (!this.snapshots.has(environment)) return undefined;
    let doc = this.configs.get(environment);
    if (doc === undefined) {
      doc = buildConfigDocument(this.state, environment, this.revision);
      this.configs.set(environment, doc);
    }
    return doc;
  }
}

export interface IndexEvents {
  loaded(tenant: string, revision: number): void;
  failed(tenant: string, err: unknown): void;
}

/** One tenant's entry replaced by a newer one: what the change stream turns into events. */
export interface IndexSwap {
  tenant: string;
  /** Undefined when this process had not held the tenant before. */
  previous: TenantEntry | undefined;
  current: TenantEntry;
}

export type SwapListener = (swap: IndexSwap) => void;

/**
 * The in-memory evaluation index: one immutable TenantEntry per tenant,
 * replaced by a single Map.set after the new one is completely built. A
 * request reads the entry once and evaluates against it, so it sees either
 * the old revision or the new one, never a mix. Evaluation never reads SQLite.
 */
export class EvaluationIndex {
  private readonly tenants = new Map<string, TenantEntry>();
  private readonly swapListeners = new Set<SwapListener>();
  /** Per tenant, the timer that rebuilds its snapshots when a progressive rollout moves to its next step. */
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private isReady = false;

  constructor(
    private readonly events: IndexEvents = { loaded: () => {}, failed: () => {} },
    /** Epoch milliseconds: the moment snapshots are built for (schedules pick their step from it). */
    private readonly clock: () => number = Date.now,
  ) {}

  get ready(): boolean {
    return this.isReady;
  }

  markReady(): void {
    this.isReady = true;
  }

  entry(tenant: string): TenantEntry | undefined {
    return this.tenants.get(tenant);
  }

  snapshot(tenant: string, environment: string): Snapshot | undefined {
    return this.tenants.get(tenant)?.snapshots.get(environment);
  }

  revision(tenant: string): number | undefined {
    return this.tenants.get(tenant)?.revision;
  }

  tenantKeys(): string[] {
    return [...this.tenants.keys()];
  }

  /**
   * Called after every swap, in every process: by this process's own writes
   * and by reloads of what another process committed. Returns the unsubscribe.
   */
  onSwap(listener: SwapListener): () => void {
    this.swapListeners.add(listener);
    return () => this.swapListeners.delete(listener);
  }

  /**
   * Builds every environment's snapshot, then swaps. With `committed` (what
   * changed since the revision held), each snapshot is derived from the held
   * one, recompiling only the changed flags and the users of changed
   * segments; a change to the environments, or a held revision other than
   * `committed.base`, builds everything. An older revision than the one held
   * is ignored (a late notification must not roll back). Returns false when
   * building failed: the previous entry stays.
   */
  load(state: TenantState, revision: number, committed?: CommittedChange): boolean {
    const current = this.tenants.get(state.tenant);
    if (current && current.revision > revision) return true;
    const derive = committed !== undefined && current !== undefined && current.revision === committed.base && !committed.change.tenant;
    return this.swap(state, revision, current, (env, now) => {
      const previous = derive ? current.snapshots.get(env) : undefined;
      // A derived snapshot keeps the moment its previous one was built for: only while no step has passed since.
      const timely = previous !== undefined && (previous.nextChangeAt === undefined || previous.nextChangeAt > now);
      return timely ? updateSnapshot(previous, state, revision, committed!.change) : buildSnapshot(state, env, revision, { at: now });
    });
  }

  /**
   * Builds `state` with `build` per environment and swaps it in; then, if a
   * progressive rollout will move to another step, arms one timer for the
   * earliest such moment, which rebuilds the tenant for that moment — no
   * write, no new revision: the answers follow the clock.
   */
  private swap(state: TenantState, revision: number, current: TenantEntry | undefined, build: (env: string, now: number) => Snapshot): boolean {
    let next: TenantEntry;
    try {
      const now = this.clock();
      const snapshots = new Map<string, Snapshot>();
      for (const env of state.environments) snapshots.set(env.key, build(env.key, now));
      next = new TenantEntry(state.tenant, revision, state, snapshots);
      this.tenants.set(state.tenant, next);
    } catch (err) {
      this.events.failed(state.tenant, err);
      return false;
    }
    this.arm(next);
    this.events.loaded(state.tenant, revision);
    this.notifySwap({ tenant: state.tenant, previous: current, current: next });
    return true;
  }

  private arm(entry: TenantEntry): void {
    clearTimeout(this.timers.get(entry.tenant));
    this.timers.delete(entry.tenant);
    let due = Infinity;
    for (const snapshot of entry.snapshots.values()) if (snapshot.nextChangeAt !== undefined) due = Math.min(due, snapshot.nextChangeAt);
    if (due === Infinity) return;
    // setTimeout holds at most ~24.8 days: a later step re-arms on the way.
    const delay = Math.min(Math.max(0, due - this.clock()), 2 ** 31 - 1);
    const timer = setTimeout(() => this.retime(entry), delay);
    timer.unref();
    this.timers.set(entry.tenant, timer);
  }

  /** The step a schedule serves moved on: the same revision, built for now. */
  private retime(entry: TenantEntry): void {
    this.timers.delete(entry.tenant);
    if (this.tenants.get(entry.tenant) !== entry) return; // a newer swap re-armed already
    this.swap(entry.state, entry.revision, entry, (env, now) => buildSnapshot(entry.state, env, entry.revision, { at: now }));
  }

  /** Stops every schedule timer (the app is closing). */
  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private notifySwap(swap: IndexSwap): void {
    for (const listener of this.swapListeners) {
      // A listener (the change stream) must never undo or block a swap that already happened.
      try {
        listener(swap);
      } catch {
        // Listeners report their own failures; the index has nothing to add.
      }
    }
  }

  remove(tenant: string): void {
    clearTimeout(this.timers.get(tenant));
    this.timers.delete(tenant);
    this.tenants.delete(tenant);
  }
}
