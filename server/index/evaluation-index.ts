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
  private isReady = false;

  constructor(private readonly events: IndexEvents = { loaded: () => {}, failed: () => {} }) {}

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
    let next: TenantEntry;
    try {
      const snapshots = new Map<string, Snapshot>();
      for (const env of state.environments) {
        const previous = derive ? current.snapshots.get(env.key) : undefined;
        snapshots.set(env.key, previous ? updateSnapshot(previous, state, revision, committed!.change) : buildSnapshot(state, env.key, revision));
      }
      next = new TenantEntry(state.tenant, revision, state, snapshots);
      this.tenants.set(state.tenant, next);
    } catch (err) {
      this.events.failed(state.tenant, err);
      return false;
    }
    this.events.loaded(state.tenant, revision);
    this.notifySwap({ tenant: state.tenant, previous: current, current: next });
    return true;
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
    this.tenants.delete(tenant);
  }
}
