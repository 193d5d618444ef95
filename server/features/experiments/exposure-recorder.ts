// Exposures from served evaluations, recorded without touching the database
// on the request path: the observer matches results against the tenant's
// running experiments (a compiled matcher per environment and revision),
// keeps the first exposure per (experiment, unit, variant) in memory, and a
// timer writes the buffer in one batch. Units already written recently are
// remembered, so a unit evaluated on every page view costs one row, not one
// per flush.
import { ExposureMatcher, type Exposure } from '../../../core/experiments/index.js';
import type { TenantState } from '../../../core/model/index.js';
import type { EvaluationIndex } from '../../index/evaluation-index.js';
import type { EvaluationObserver } from '../evaluate/observe-evaluations.js';
import type { AllocationRow, ExperimentDataStore, ExposureRow, ExposureSource } from './experiment-data-store.js';

export interface ExposureRecorderOptions {
  store: ExperimentDataStore;
  index: EvaluationIndex;
  flushMs: number;
  /** Exposures held in memory at most; beyond, new ones are dropped (and counted) until the next flush. */
  maxBuffered?: number;
  /** Keys remembered as written, to skip repeats; forgotten all at once when full. */
  maxRemembered?: number;
  clock?: () => number;
  onError?: (err: unknown) => void;
}

interface Pending {
  tenant: string;
  environment: string;
  revision: number;
  at: number;
  source: ExposureSource;
  exposure: Exposure;
}

interface Compiled {
  state: TenantState;
  byEnvironment: Map<string, ExposureMatcher>;
}

export class ExposureRecorder {
  private buffer = new Map<string, Pending>();
  private allocations = new Map<string, AllocationRow>();
  private readonly written = new Set<string>();
  private readonly allocationsWritten = new Set<string>();
  private readonly compiled = new Map<string, Compiled>();
  private readonly commits = new Map<string, string | null>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private readonly clock: () => number;
  private readonly maxBuffered: number;
  private readonly maxRemembered: number;
  /** Exposures dropped because the buffer was full (the database could not keep up). */
  dropped = 0;

  constructor(private readonly o: ExposureRecorderOptions) {
    this.clock = o.clock ?? Date.now;
    this.maxBuffered = o.maxBuffered ?? 200_000;
    this.maxRemembered = o.maxRemembered ?? 1_000_000;
  }

  /** The EvaluationObserver composed in the app: memory only, never throws. */
  observer(): EvaluationObserver {
    return {
      observe: ({ snapshot, context, results }) => {
        const matcher = this.matcher(snapshot.tenant, snapshot.environment);
        if (matcher === undefined) return;
        let at: number | undefined;
        for (const result of results) {
          const exposure = matcher.match(result, context, (at ??= this.clock()));
          if (exposure !== undefined) this.add(snapshot.tenant, snapshot.environment, snapshot.revision, at, 'server', exposure, matcher);
        }
      },
    };
  }

  /** Exposures an SDK evaluated locally and uploaded (already matched there; checked again against this server's state). */
  addUploaded(tenant: string, environment: string, revision: number, at: number, exposure: Exposure): boolean {
    const matcher = this.matcher(tenant, environment);
    if (matcher === undefined || matcher.weightsOf(exposure.flag, exposure.experiment) === undefined) return false;
    this.add(tenant, environment, revision, at, 'sdk', exposure, matcher);
    return true;
  }

  /** The matcher for the index's current state of a tenant and environment; undefined when it has no experiments there. */
  private matcher(tenant: string, environment: string): ExposureMatcher | undefined {
    const entry = this.o.index.entry(tenant);
    if (entry === undefined || entry.state.experiments === undefined) return undefined;
    let compiled = this.compiled.get(tenant);
    if (compiled === undefined || compiled.state !== entry.state) {
      compiled = { state: entry.state, byEnvironment: new Map() };
      this.compiled.set(tenant, compiled);
    }
    let matcher = compiled.byEnvironment.get(environment);
    if (matcher === undefined) {
      matcher = ExposureMatcher.build(entry.state, environment);
      compiled.byEnvironment.set(environment, matcher);
    }
    return matcher.isEmpty ? undefined : matcher;
  }

  private add(tenant: string, environment: string, revision: number, at: number, source: ExposureSource, exposure: Exposure, matcher: ExposureMatcher): void {
    const key = `${tenant}\n${exposure.experiment}\n${exposure.unit}\n${exposure.variant}`;
    if (this.written.has(key)) return;
    const held = this.buffer.get(key);
    if (held !== undefined) {
      if (at < held.at) this.buffer.set(key, { tenant, environment, revision, at, source, exposure });
      return;
    }
    if (this.buffer.size >= this.maxBuffered) {
      this.dropped++;
      return;
    }
    this.buffer.set(key, { tenant, environment, revision, at, source, exposure });
    const allocationKey = `${tenant}\n${exposure.experiment}\n${revision}`;
    if (!this.allocationsWritten.has(allocationKey) && !this.allocations.has(allocationKey)) {
      const weights = matcher.weightsOf(exposure.flag, exposure.experiment) ?? {};
      this.allocations.set(allocationKey, { tenant, experiment: exposure.experiment, environment, revision, weights: { ...weights }, commit: null, firstSeen: at });
    }
  }

  /** Buffered exposures not yet written. */
  get pending(): number {
    return this.buffer.size;
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => void this.flush().catch((err: unknown) => this.o.onError?.(err)), this.o.flushMs);
    this.timer.unref();
  }

  /** Writes everything buffered so far (one batch). Concurrent calls share the flush in progress, then run again. */
  async flush(): Promise<void> {
    while (this.flushing !== undefined) await this.flushing.catch(() => {});
    if (this.buffer.size === 0 && this.allocations.size === 0) return;
    this.flushing = this.write().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async write(): Promise<void> {
    const batch = this.buffer;
    const allocations = this.allocations;
    this.buffer = new Map();
    this.allocations = new Map();
    try {
      const rows: ExposureRow[] = [];
      for (const p of batch.values()) {
        rows.push({
          tenant: p.tenant,
          environment: p.environment,
          experiment: p.exposure.experiment,
          unit: p.exposure.unit,
          variant: p.exposure.variant,
          revision: p.revision,
          commit: await this.commitAt(p.tenant, p.revision),
          at: p.at,
          source: p.source,
        });
      }
      const allocationRows: AllocationRow[] = [];
      for (const a of allocations.values()) allocationRows.push({ ...a, commit: await this.commitAt(a.tenant, a.revision) });
      await this.o.store.recordAllocations(allocationRows);
      await this.o.store.recordExposures(rows);
    } catch (err) {
      // Put the batch back (unless newer exposures of the same keys arrived), so a database hiccup loses nothing.
      for (const [k, v] of batch) if (!this.buffer.has(k)) this.buffer.set(k, v);
      for (const [k, v] of allocations) if (!this.allocations.has(k)) this.allocations.set(k, v);
      throw err;
    }
    if (this.written.size + batch.size > this.maxRemembered) this.written.clear();
    for (const k of batch.keys()) this.written.add(k);
    for (const k of allocations.keys()) this.allocationsWritten.add(k);
  }

  private async commitAt(tenant: string, revision: number): Promise<string | null> {
    const key = `${tenant}\n${revision}`;
    if (!this.commits.has(key)) {
      if (this.commits.size > 10_000) this.commits.clear();
      this.commits.set(key, await this.o.store.commitAt(tenant, revision));
    }
    return this.commits.get(key) ?? null;
  }

  /** Stops the timer and writes what is left. */
  async close(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}
