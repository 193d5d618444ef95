// Exposures from served evaluations, recorded without touching the database
// on the request path: the observer matches results against the tenant's
// running experiments (a compiled matcher per environment and revision),
// keeps the first exposure per (experiment, unit, variant) in memory, and a
// timer writes the buffer in one batch. Units already seen are remembered
// across flushes (up to a bound), so a unit evaluated on every page view
// costs one row, not one per flush. The memory is nested maps keyed by the
// strings the request already holds (tenant, experiment, unit), so a repeat
// costs three lookups and allocates nothing.
import { ExposureMatcher, type Exposure } from '../../../core/experiments/index.js';
import type { TenantState } from '../../../core/model/index.js';
import type { EvaluationIndex } from '../../evaluation-index/evaluation-index.js';
import type { EvaluationObserver } from '../evaluate/observe-evaluations.js';
import type { AllocationRow, ExperimentDataStore, ExposureRow, ExposureSource } from './experiment-data-store.js';

export interface ExposureRecorderOptions {
  store: ExperimentDataStore;
  index: EvaluationIndex;
  flushMs: number;
  /** Exposures held in memory at most; beyond, new ones are dropped (and counted) until the next flush. */
  maxBuffered?: number;
  /** (experiment, unit, variant) triples remembered to skip repeats; forgotten all at once when full (the database keeps the earliest anyway). */
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

/** tenant → experiment → unit → the variants seen. */
type Seen = Map<string, Map<string, Map<string, string | string[]>>>;

export class ExposureRecorder {
  private buffer: Pending[] = [];
  private allocations = new Map<string, AllocationRow>();
  private seen: Seen = new Map();
  private remembered = 0;
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

  /** The variants an experiment running in `environment` compares; undefined when none of that key runs there on that flag. */
  comparedVariants(tenant: string, environment: string, flag: string, experiment: string): ReadonlySet<string> | undefined {
    return this.matcher(tenant, environment)?.variantsOf(flag, experiment);
  }

  /**
   * Exposures an SDK evaluated locally and uploaded (already matched there;
   * checked again against this server's state). False when no such experiment
   * runs here; a variant it does not compare is the caller's to refuse first
   * (comparedVariants) — here it is never recorded.
   */
  addUploaded(tenant: string, environment: string, revision: number, at: number, exposure: Exposure): boolean {
    const matcher = this.matcher(tenant, environment);
    if (matcher === undefined || matcher.variantsOf(exposure.flag, exposure.experiment)?.has(exposure.variant) !== true) return false;
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

  /** Remembers (tenant, experiment, unit, variant); false when it was already remembered. */
  private remember(tenant: string, experiment: string, unit: string, variant: string): boolean {
    let byExperiment = this.seen.get(tenant);
    if (byExperiment === undefined) this.seen.set(tenant, (byExperiment = new Map()));
    let byUnit = byExperiment.get(experiment);
    if (byUnit === undefined) byExperiment.set(experiment, (byUnit = new Map()));
    const held = byUnit.get(unit);
    if (held === variant) return false;
    if (held === undefined) byUnit.set(unit, variant);
    else if (typeof held === 'string') byUnit.set(unit, [held, variant]);
    else if (held.includes(variant)) return false;
    else held.push(variant);
    if (++this.remembered > this.maxRemembered) {
      this.seen = new Map();
      this.remembered = 0;
    }
    return true;
  }

  private add(tenant: string, environment: string, revision: number, at: number, source: ExposureSource, exposure: Exposure, matcher: ExposureMatcher): void {
    if (this.buffer.length >= this.maxBuffered) {
      this.dropped++;
      return;
    }
    if (!this.remember(tenant, exposure.experiment, exposure.unit, exposure.variant)) return;
    this.buffer.push({ tenant, environment, revision, at, source, exposure });
    const allocationKey = `${tenant}\n${exposure.experiment}\n${revision}`;
    if (!this.allocationsWritten.has(allocationKey) && !this.allocations.has(allocationKey)) {
      const weights = matcher.weightsOf(exposure.flag, exposure.experiment) ?? {};
      this.allocations.set(allocationKey, { tenant, experiment: exposure.experiment, environment, revision, weights: { ...weights }, commit: null, firstSeen: at });
    }
  }

  /** Buffered exposures not yet written. */
  get pending(): number {
    return this.buffer.length;
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => void this.flush().catch((err: unknown) => this.o.onError?.(err)), this.o.flushMs);
    this.timer.unref();
  }

  /** Writes everything buffered so far (one batch). Concurrent calls share the flush in progress, then run again. */
  async flush(): Promise<void> {
    while (this.flushing !== undefined) await this.flushing.catch(() => {});
    if (this.buffer.length === 0 && this.allocations.size === 0) return;
    this.flushing = this.write().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async write(): Promise<void> {
    const batch = this.buffer;
    const allocations = this.allocations;
    this.buffer = [];
    this.allocations = new Map();
    try {
      const rows: ExposureRow[] = [];
      for (const p of batch) {
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
      // Put the batch back in front, so a database hiccup loses nothing.
      this.buffer = batch.concat(this.buffer);
      for (const [k, v] of allocations) if (!this.allocations.has(k)) this.allocations.set(k, v);
      throw err;
    }
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
