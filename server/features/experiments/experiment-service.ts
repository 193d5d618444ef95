// Metric events in, exposures from SDKs in, results out. Validation beyond
// the request schema happens here, for the whole batch before anything is
// written: a batch with one bad event is refused whole and changes nothing.
import { parseIsoDate } from '../../../core/engine/iso-date.js';
import { analyzeExperiment, experimentWindow, type ExperimentResults } from '../../../core/experiments/index.js';
import type { Experiment } from '../../../core/model/index.js';
import type { MetricEvent, UploadedExposure } from '../../../core/model/schema-types.js';
import { ApiError, notFound, unprocessable, type ErrorDetail } from '../../errors.js';
import type { RevisionStore } from '../state/revision-store.js';
import type { EvaluationIndex } from '../../evaluation-index/evaluation-index.js';
import { FOREVER_MS, type ExperimentDataStore, type MetricEventRow, type RetentionKeep } from './experiment-data-store.js';
import type { ExposureRecorder } from './exposure-recorder.js';

/** How far in the future an event's timestamp may be (clock skew between sender and server). */
export const MAX_FUTURE_MS = 5 * 60_000;
const DAY_MS = 86_400_000;

export interface EventsOutcome {
  accepted: number;
  stored: number;
  duplicates: number;
}

export class ExperimentService {
  constructor(
    private readonly deps: {
      store: ExperimentDataStore;
      /** To tell a revision this replica has not loaded yet from one that does not exist. */
      revisions: RevisionStore;
      index: EvaluationIndex;
      recorder: ExposureRecorder;
      retentionDays: number;
      clock?: () => number;
    },
  ) {}

  private now(): number {
    return (this.deps.clock ?? Date.now)();
  }

  /** Times of a batch, checked: an ISO date-time with an offset, not in the future, not older than retention. */
  private times(items: readonly { timestamp?: string }[], base: string, now: number, details: ErrorDetail[] = []): number[] {
    const oldest = now - this.deps.retentionDays * DAY_MS;
    const times = items.map((item, i) => {
      if (item.timestamp === undefined) return now;
      const t = parseIsoDate(item.timestamp);
      const path = `/${base}/${i}/timestamp`;
      if (Number.isNaN(t)) details.push({ code: 'TIMESTAMP_INVALID', message: `"${item.timestamp}" is not an ISO-8601 date-time with an offset`, path });
      else if (t > now + MAX_FUTURE_MS) details.push({ code: 'TIMESTAMP_IN_FUTURE', message: `${item.timestamp} is in the future`, path });
      else if (t < oldest) details.push({ code: 'TIMESTAMP_TOO_OLD', message: `${item.timestamp} is older than the retention of ${this.deps.retentionDays} days`, path });
      return t;
    });
    if (details.length > 0) throw unprocessable('SCHEMA_VALIDATION_FAILED', 'some items of the batch are invalid: nothing was stored', details);
    return times;
  }

  async recordEvents(tenant: string, environment: string, events: readonly MetricEvent[]): Promise<EventsOutcome> {
    const now = this.now();
    const times = this.times(events, 'events', now);
    const rows: MetricEventRow[] = events.map((e, i) => ({
      tenant,
      environment,
      id: e.id,
      event: e.event,
      unit: e.unit,
      value: e.value ?? null,
      ts: times[i] as number,
      receivedAt: now,
    }));
    const { stored, duplicates } = await this.deps.store.recordEvents(rows);
    return { accepted: events.length, stored, duplicates };
  }

  /**
   * Buffers uploaded exposures; those naming no experiment running here are
   * ignored (and counted). A variant the experiment does not compare, or a
   * revision that does not exist, refuses the whole batch: either would be
   * recorded under an allocation that never served it (a bogus variant was
   * counted as analyzed yet in no variant). A revision that exists but this
   * replica has not loaded yet (an SDK fed by a replica a few milliseconds
   * ahead) is a 503 with Retry-After: the uploader keeps the batch and sends
   * it again, instead of losing it to a 4xx.
   */
  async uploadExposures(tenant: string, environment: string, revision: number, current: number, exposures: readonly UploadedExposure[]): Promise<{ accepted: number; ignored: number }> {
    const now = this.now();
    const details: ErrorDetail[] = [];
    if (revision > current) {
      const stored = await this.deps.revisions.since(tenant, revision - 1, 1);
      if (stored[0]?.revision === revision) {
        throw new ApiError(503, 'SERVICE_UNAVAILABLE', `revision ${revision} is not loaded on this server yet (it serves ${current}); send the batch again`, [], { 'Retry-After': '1' });
      }
      details.push({ code: 'REVISION_UNKNOWN', message: `revision ${revision} does not exist (this tenant is at ${current})`, path: '/revision' });
    }
    exposures.forEach((x, i) => {
      const variants = this.deps.recorder.comparedVariants(tenant, environment, x.flag, x.experiment);
      if (variants !== undefined && !variants.has(x.variant)) {
        details.push({ code: 'EXPERIMENT_VARIANT_UNKNOWN', message: `experiment ${x.experiment} compares ${[...variants].join(', ')}, not "${x.variant}"`, path: `/exposures/${i}/variant` });
      }
    });
    const times = this.times(exposures, 'exposures', now, details);
    let accepted = 0;
    exposures.forEach((x, i) => {
      const at = times[i] as number;
      if (this.deps.recorder.addUploaded(tenant, environment, revision, at, { experiment: x.experiment, flag: x.flag, variant: x.variant, unit: x.unit })) accepted++;
    });
    return { accepted, ignored: exposures.length - accepted };
  }

  /** The experiment as the index holds it now. */
  experiment(tenant: string, key: string): Experiment {
    if (!this.deps.index.ready) throw new ApiError(503, 'SERVICE_UNAVAILABLE', 'the evaluation index is still loading');
    const found = this.deps.index.entry(tenant)?.state.experiments?.find((e) => e.key === key);
    if (found === undefined) throw notFound('experiment');
    return found;
  }

  async results(tenant: string, key: string): Promise<ExperimentResults> {
    const experiment = this.experiment(tenant, key);
    // What this process has buffered counts too.
    await this.deps.recorder.flush();
    const { start, stop } = experimentWindow(experiment);
    const until = Number.isFinite(stop) ? stop : FOREVER_MS;
    const metrics = [experiment.metrics.primary, ...(experiment.metrics.guardrails ?? [])];
    const summaries = [];
    for (const metric of metrics) {
      summaries.push(
        await this.deps.store.metricSummary({
          tenant,
          environment: experiment.environment,
          experiment: experiment.key,
          start,
          stop: until,
          event: metric.event,
          windowMs: metric.windowHours === undefined ? FOREVER_MS : metric.windowHours * 3_600_000,
        }),
      );
    }
    const allocations = await this.deps.store.allocations(tenant, experiment.key);
    return analyzeExperiment({ experiment, allocations: allocations.filter((a) => a.environment === experiment.environment), metrics: summaries, now: this.now() });
  }

  /**
   * Deletes what is older than the retention, except the exposures and metric
   * events of every experiment still declared whose stop is not older than
   * the retention either: a long experiment keeps its early units, and a
   * stopped one keeps its final results for a retention period. Nothing is
   * deleted before the index has loaded (it is what says which experiments
   * those are).
   */
  async prune(): Promise<{ events: number; exposures: number }> {
    if (!this.deps.index.ready) return { events: 0, exposures: 0 };
    const before = this.now() - this.deps.retentionDays * DAY_MS;
    const keep: { experiments: RetentionKeep['experiments'][number][]; events: RetentionKeep['events'][number][] } = { experiments: [], events: [] };
    for (const tenant of this.deps.index.tenantKeys()) {
      for (const e of this.deps.index.entry(tenant)?.state.experiments ?? []) {
        const { stop } = experimentWindow(e);
        if (stop < before) continue;
        keep.experiments.push({ tenant, experiment: e.key });
        for (const m of [e.metrics.primary, ...(e.metrics.guardrails ?? [])]) keep.events.push({ tenant, environment: e.environment, event: m.event });
      }
    }
    return this.deps.store.prune(before, keep);
  }
}
