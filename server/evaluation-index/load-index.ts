import type { StateListener } from '../features/state/state-listener.js';
import type { EvaluationIndex } from './evaluation-index.js';
import type { IndexRefresher } from './refresh.js';

/** Loads every tenant from the database into the indexes, then marks the app ready. */
export async function loadIndexes(refresher: IndexRefresher, index: EvaluationIndex): Promise<void> {
  // Let the event loop breathe once before a potentially long synchronous build.
  await new Promise<void>((resolve) => setImmediate(resolve));
  await refresher.refresh();
  index.markReady();
}

/** Keeps the indexes in step with committed writes of this process. */
export function indexUpdater(index: EvaluationIndex, refresher: IndexRefresher, marks?: (tenant: string, revision: number) => void): StateListener {
  return {
    ...(marks === undefined ? {} : { marksCommitted: marks }),
    held: (tenant) => index.entry(tenant),
    stateCommitted: (_tenant, state, revision, change) => {
      index.load(state, revision, change);
    },
    keysCommitted: (tenant) => refresher.keysCommitted(tenant),
  };
}
