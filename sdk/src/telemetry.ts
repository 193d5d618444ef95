// What the SDK tells the server about an application's traffic: exposures
// (an evaluation that randomized a unit into a running experiment, found by
// core's exposure matcher over the configuration in use) and metric events
// (track()). Both are queued in memory and uploaded in batches on a timer —
// an evaluation never waits for the network — and both stay bounded: when
// the server is unreachable the oldest are dropped and counted, never
// retried forever. Exposures are deduplicated per unit before they queue.
import { randomUUID } from 'node:crypto';
import type { EvaluationResult } from '../../core/engine/index.js';
import type { Exposure, ExposureMatcher } from '../../core/experiments/exposure-matcher.js';

export interface ExposureEvent extends Exposure {
  /** The configuration revision that served it. */
  revision: number;
  /** ISO-8601 time of the evaluation. */
  timestamp: string;
}

export interface TrackedEvent {
  id: string;
  event: string;
  unit: string;
  value?: number;
  timestamp: string;
}

export interface TelemetryOptions {
  /** Called once per new (experiment, unit, variant), synchronously on the evaluating call: keep it cheap, it must not throw. */
  onExposure?: (exposure: ExposureEvent) => void;
  /** Upload exposures and tracked events to the server (default true when a server is configured). */
  upload?: boolean;
  /** Period of the batched upload (default 5 s). */
  flushIntervalMs?: number;
  /** Items kept at most per queue while the server cannot take them (default 10,000; the oldest go first). */
  maxQueued?: number;
}

export interface Uploader {
  post(path: string, body: unknown): Promise<void>;
}

const BATCH = 1000;
const REMEMBERED = 100_000;

export class Telemetry {
  readonly #options: TelemetryOptions;
  readonly #uploader: Uploader | undefined;
  readonly #environment: string | undefined;
  readonly #now: () => number;
  readonly #seen = new Set<string>();
  #exposures: ExposureEvent[] = [];
  #events: TrackedEvent[] = [];
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
  /** Items dropped because a queue was full. */
  dropped = 0;

  constructor(options: TelemetryOptions, uploader: Uploader | undefined, environment: string | undefined, now: () => number) {
    this.#options = options;
    this.#uploader = options.upload === false ? undefined : uploader;
    this.#environment = environment;
    this.#now = now;
  }

  /** After an evaluation: records it when it is an exposure. Never throws. */
  observe(matcher: ExposureMatcher, result: EvaluationResult, context: unknown, revision: number): void {
    const now = this.#now();
    const exposure = matcher.match(result, context, now);
    if (exposure === undefined) return;
    const key = `${exposure.experiment}\n${exposure.unit}\n${exposure.variant}`;
    if (this.#seen.has(key)) return;
    if (this.#seen.size >= REMEMBERED) this.#seen.clear();
    this.#seen.add(key);
    const event: ExposureEvent = { ...exposure, revision, timestamp: new Date(now).toISOString() };
    try {
      this.#options.onExposure?.(event);
    } catch {
      // The application's callback failing must not fail its evaluation.
    }
    if (this.#uploader !== undefined) this.#push(this.#exposures, event);
  }

  /** A metric event for `unit` (the randomization unit's value). */
  track(event: string, unit: string, value?: number): void {
    const tracked: TrackedEvent = { id: randomUUID(), event, unit, timestamp: new Date(this.#now()).toISOString() };
    if (value !== undefined && Number.isFinite(value)) tracked.value = value;
    if (this.#uploader !== undefined) this.#push(this.#events, tracked);
  }

  #push<T>(queue: T[], item: T): void {
    if (queue.length >= (this.#options.maxQueued ?? 10_000)) {
      queue.shift();
      this.dropped++;
    }
    queue.push(item);
    this.#arm();
  }

  #arm(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, this.#options.flushIntervalMs ?? 5_000);
    this.#timer.unref();
  }

  /** Uploads what is queued now; failures keep the items queued for the next flush. Never rejects. */
  async flush(): Promise<void> {
    while (this.#flushing !== undefined) await this.#flushing;
    if (this.#uploader === undefined || (this.#exposures.length === 0 && this.#events.length === 0)) return;
    this.#flushing = this.#upload().finally(() => (this.#flushing = undefined));
    return this.#flushing;
  }

  async #upload(): Promise<void> {
    const uploader = this.#uploader as Uploader;
    const environment = this.#environment === undefined ? {} : { environment: this.#environment };
    try {
      while (this.#exposures.length > 0) {
        const batch = this.#exposures.slice(0, BATCH);
        // One revision per request: the server tags them with it.
        const revision = (batch[0] as ExposureEvent).revision;
        const same = batch.filter((e) => e.revision === revision);
        await uploader.post('/v1/exposures', {
          ...environment,
          revision,
          exposures: same.map((e) => ({ experiment: e.experiment, flag: e.flag, variant: e.variant, unit: e.unit, timestamp: e.timestamp })),
        });
        const sent = new Set(same);
        this.#exposures = this.#exposures.filter((e) => !sent.has(e));
      }
      while (this.#events.length > 0) {
        const batch = this.#events.slice(0, BATCH);
        await uploader.post('/v1/events', { ...environment, events: batch });
        this.#events = this.#events.slice(batch.length);
      }
    } catch {
      // Kept for the next flush (the ids make a retried batch of events harmless).
      this.#arm();
    }
  }

  /** Stops the timer and uploads what is left. */
  async close(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.flush();
  }
}
