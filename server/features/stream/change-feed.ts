import type { EvaluationIndex, IndexSwap } from '../../evaluation-index/evaluation-index.js';
import type { RevisionStore } from '../state/revision-store.js';
import { revisionEvents, type RevisionEvent } from './revision-events.js';

/** What one subscriber listens to: one tenant, one environment or all of them. */
export interface StreamFilter {
  tenant: string;
  /** null: every environment of the tenant. */
  environment: string | null;
}

export interface Subscriber extends StreamFilter {
  deliver(event: RevisionEvent): void;
  /** Drift marks changed without a revision (an apply that only cleared drift). */
  marks?(event: MarksEvent): void;
}

/** What `event: marks` says: the tenant, still at this revision, has new ownership marks. */
export interface MarksEvent {
  tenant: string;
  revision: number;
}

export interface ChangeFeedDeps {
  index: EvaluationIndex;
  revisions: RevisionStore;
  /** A failure turning a swap into events (the swap itself stands). */
  onError(err: unknown, tenant: string): void;
  /** Most revisions turned into events per swap or replay (a longer gap sends the newest ones). */
  maxRevisions?: number;
}

const DEFAULT_MAX_REVISIONS = 100;

/**
 * Turns index swaps into revision events for subscribers. It listens to the
 * index, not to writes, so it fires in EVERY process: after this process's
 * own commit and after the database watcher reloaded another process's. The
 * events come from the revisions table, which every process reads alike, so a
 * process that reloads two revisions at once still sends one event per
 * revision, with the same `changed` keys as the process that wrote them.
 */
export class ChangeFeed {
  private readonly byTenant = new Map<string, Set<Subscriber>>();
  private readonly maxRevisions: number;
  private unlisten: (() => void) | undefined;
  /** Swaps become events one after the other (each reads the revisions log), so subscribers get them in order. */
  private delivering: Promise<void> = Promise.resolve();

  constructor(private readonly deps: ChangeFeedDeps) {
    this.maxRevisions = deps.maxRevisions ?? DEFAULT_MAX_REVISIONS;
  }

  start(): void {
    this.unlisten ??= this.deps.index.onSwap((swap) => this.onSwap(swap));
  }

  stop(): void {
    this.unlisten?.();
    this.unlisten = undefined;
  }

  /** Returns the unsubscribe; calling it twice is harmless. */
  subscribe(subscriber: Subscriber): () => void {
    let set = this.byTenant.get(subscriber.tenant);
    if (set === undefined) this.byTenant.set(subscriber.tenant, (set = new Set()));
    set.add(subscriber);
    return () => {
      const current = this.byTenant.get(subscriber.tenant);
      if (current === undefined) return;
      current.delete(subscriber);
      if (current.size === 0) this.byTenant.delete(subscriber.tenant);
    };
  }

  /** Subscribers currently registered (the no-leak tests read it). */
  get size(): number {
    let n = 0;
    for (const set of this.byTenant.values()) n += set.size;
    return n;
  }

  /**
   * Events after revision `since` up to the revision this process serves
   * when called, for a client resuming with Last-Event-ID. Subscribe first
   * and hold back live events up to that revision: a swap during the read
   * then reaches the subscriber, nothing falls between.
   */
  async replay(filter: StreamFilter, since: number): Promise<RevisionEvent[]> {
    const entry = this.deps.index.entry(filter.tenant);
    if (entry === undefined || entry.revision <= since) return [];
    return revisionEvents(await this.records(filter.tenant, since, entry.revision), entry.state, filter.environment);
  }

  /** An apply of this process cleared drift without a revision: told to every subscriber of the tenant, whatever its environment. */
  marksCommitted(tenant: string, revision: number): void {
    for (const s of [...(this.byTenant.get(tenant) ?? [])]) s.marks?.({ tenant, revision });
  }

  /** Resolves once every swap so far has been delivered (tests wait on it). */
  idle(): Promise<void> {
    return this.delivering;
  }

  private onSwap(swap: IndexSwap): void {
    const subscribers = this.byTenant.get(swap.tenant);
    if (subscribers === undefined || subscribers.size === 0) return;
    const from = swap.previous?.revision ?? 0;
    if (swap.current.revision <= from) return;
    this.delivering = this.delivering.then(async () => {
      try {
        const events = revisionEvents(await this.records(swap.tenant, from, swap.current.revision), swap.current.state);
        const now = this.byTenant.get(swap.tenant) ?? new Set<Subscriber>();
        for (const event of events) {
          for (const s of [...now]) if (s.environment === null || s.environment === event.environment) s.deliver(event);
        }
      } catch (err) {
        this.deps.onError(err, swap.tenant);
      }
    });
  }

  private async records(tenant: string, after: number, upTo: number) {
    const from = Math.max(after, upTo - this.maxRevisions);
    return (await this.deps.revisions.since(tenant, from, this.maxRevisions)).filter((r) => r.revision <= upTo);
  }
}
