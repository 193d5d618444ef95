import type { Snapshot } from '../../../core/engine/index.js';
import type { EvaluationObserver, ServedEvaluations } from '../evaluate/observe-evaluations.js';
import { mergeIncrements, type UsageIncrement, type UsageStore } from './usage-store.js';

const DAY_MS = 86_400_000;

interface Counter {
  count: number;
  /** Epoch ms of the latest evaluation counted. */
  last: number;
}

/** Counts of one UTC day: per snapshot (one tenant and environment), per flag key. */
interface DayBucket {
  day: string;
  bySnapshot: Map<Snapshot, Map<string, Counter>>;
}

export interface UsageRecorderOptions {
  store: UsageStore;
  /** Milliseconds between background flushes. */
  flushMs: number;
  /** Told of every flushed increment (Prometheus), after the store took it. */
  flushed?: (increments: readonly UsageIncrement[]) => void;
  /** Told when a flush fails; its counts are kept for the next one. */
  failed?: (error: unknown) => void;
  /** Days of usage kept: once a UTC day, after a flush, older days are removed (absent: kept forever). */
  retentionDays?: number;
  /** The clock (tests and benches inject one). */
  now?: () => number;
}

const dayOf = (ms: number) => new Date(ms - (ms % DAY_MS)).toISOString().slice(0, 10);

/**
 * Counts served evaluations per (tenant, environment, flag, UTC day) in memory
 * and adds them to the usage table in the background: every `flushMs`, and
 * once more when stopped. The hot path (observe) touches two Maps and a
 * counter per result; it never awaits, never writes, never throws. Counts are
 * keyed by snapshot object first — the route already holds it, so no key
 * string is built per request — and turned into tenant/environment at flush.
 * A failed flush keeps its counts and retries them with the next one.
 */
export class UsageRecorder implements EvaluationObserver {
  private bucket: DayBucket;
  private dayEnd: number;
  private sealed: DayBucket[] = [];
  private retry: UsageIncrement[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  /** The UTC day this process last purged old usage (once a day is enough). */
  private purgedOn: string | undefined;
  private readonly now: () => number;

  constructor(private readonly o: UsageRecorderOptions) {
    this.now = o.now ?? Date.now;
    const t = this.now();
    this.bucket = { day: dayOf(t), bySnapshot: new Map() };
    this.dayEnd = t - (t % DAY_MS) + DAY_MS;
  }

  observe(served: ServedEvaluations): void {
    const now = this.now();
    if (now >= this.dayEnd) this.rotate(now);
    let flags = this.bucket.bySnapshot.get(served.snapshot);
    if (flags === undefined) {
      flags = new Map();
      this.bucket.bySnapshot.set(served.snapshot, flags);
    }
    for (const r of served.results) {
      // An unknown key (bulk with flag_keys) is no flag's usage.
      if (r.errorCode === 'FLAG_NOT_FOUND') continue;
      const c = flags.get(r.flagKey);
      if (c === undefined) flags.set(r.flagKey, { count: 1, last: now });
      else {
        c.count += 1;
        c.last = now;
      }
    }
  }

  /** Starts the periodic flush (the timer never keeps the process alive). */
  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => void this.flush(), this.o.flushMs);
    this.timer.unref();
  }

  /** Stops the timer and flushes what is left (shutdown: before the database closes). */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  /** Writes every count taken so far; one flush at a time (a call during one waits for it, then flushes again). */
  async flush(): Promise<void> {
    while (this.inFlight !== undefined) await this.inFlight;
    const increments = this.take();
    if (increments.length === 0) return;
    this.inFlight = this.write(increments);
    try {
      await this.inFlight;
    } finally {
      this.inFlight = undefined;
    }
  }

  private async write(increments: UsageIncrement[]): Promise<void> {
    try {
      await this.o.store.add(increments);
    } catch (error) {
      this.retry = mergeIncrements([...this.retry, ...increments]);
      this.o.failed?.(error);
      return;
    }
    this.o.flushed?.(increments);
    const today = dayOf(this.now());
    if (this.o.retentionDays !== undefined && this.purgedOn !== today) {
      this.purgedOn = today;
      const keepFrom = dayOf(this.now() - (this.o.retentionDays - 1) * DAY_MS);
      await this.o.store.purge(keepFrom).catch((error: unknown) => this.o.failed?.(error));
    }
  }

  private rotate(now: number): void {
    this.sealed.push(this.bucket);
    this.bucket = { day: dayOf(now), bySnapshot: new Map() };
    this.dayEnd = now - (now % DAY_MS) + DAY_MS;
  }

  /** The counts so far as increments (empties the buckets). */
  private take(): UsageIncrement[] {
    const buckets = [...this.sealed, this.bucket];
    this.sealed = [];
    this.bucket = { day: this.bucket.day, bySnapshot: new Map() };
    const out = this.retry;
    this.retry = [];
    for (const { day, bySnapshot } of buckets) {
      for (const [snapshot, flags] of bySnapshot) {
        for (const [flag, c] of flags) {
          out.push({ tenant: snapshot.tenant, environment: snapshot.environment, flag, day, count: c.count, lastAt: new Date(c.last).toISOString() });
        }
      }
    }
    return out;
  }
}
