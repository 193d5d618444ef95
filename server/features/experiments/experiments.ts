// The experiments feature as the app wires it: the exposure recorder (an
// evaluation observer with a flush timer), the service behind the routes,
// and an hourly retention sweep.
import type { ServerConfig } from '../../config.js';
import type { EvaluationIndex } from '../../evaluation-index/evaluation-index.js';
import type { RevisionStore } from '../state/revision-store.js';
import type { ExperimentDataStore } from './experiment-data-store.js';
import { ExperimentService } from './experiment-service.js';
import { ExposureRecorder } from './exposure-recorder.js';

const RETENTION_SWEEP_MS = 3_600_000;

export interface Experiments {
  recorder: ExposureRecorder;
  service: ExperimentService;
  /** Starts the flush and retention timers (at listen time). */
  start(): void;
  /** Stops them and writes the exposures still buffered. */
  close(): Promise<void>;
}

export function createExperiments(deps: { store: ExperimentDataStore; revisions: RevisionStore; index: EvaluationIndex; config: ServerConfig; onError: (err: unknown, what: string) => void }): Experiments {
  const recorder = new ExposureRecorder({
    store: deps.store,
    index: deps.index,
    flushMs: deps.config.exposureFlushMs,
    onError: (err) => deps.onError(err, 'writing experiment exposures failed; they stay buffered for the next flush'),
  });
  const service = new ExperimentService({ store: deps.store, revisions: deps.revisions, index: deps.index, recorder, retentionDays: deps.config.eventsRetentionDays });
  let sweep: NodeJS.Timeout | undefined;
  return {
    recorder,
    service,
    start() {
      recorder.start();
      sweep ??= setInterval(() => void service.prune().catch((err: unknown) => deps.onError(err, 'deleting expired metric events failed')), RETENTION_SWEEP_MS);
      sweep.unref();
    },
    async close() {
      if (sweep !== undefined) clearInterval(sweep);
      sweep = undefined;
      await recorder.close();
    },
  };
}
