// Index build time and memory for a large tenant (scripts/gen-repo.mjs:
// 10,000 flags × 3 environments by default): what every process pays when a
// tenant changes (a reload rebuilds the tenant's whole entry) and at start-up.
import { performance } from 'node:perf_hooks';
import type { TenantState } from '../../core/model/index.js';
import { ApiKeyIndex } from '../../server/auth/key-index.js';
import { EvaluationIndex } from '../../server/evaluation-index/evaluation-index.js';
import { IndexRefresher } from '../../server/evaluation-index/refresh.js';
import type { Stores } from '../../server/stores.js';
import { median } from '../lib/stats.js';

export interface IndexBuildFigures {
  flags: number;
  environments: number;
  segments: number;
  runs: number;
  /** EvaluationIndex.load(state): a snapshot per environment, then the swap. */
  buildMs: { median: number; min: number; max: number };
  /** IndexRefresher.refresh() into an empty index: read the tenant's rows from SQLite, parse, build (a cross-process reload). */
  reloadFromDatabaseMs: { median: number; min: number; max: number };
  /** Retained heap of the loaded TenantState (the documents), MiB; null without --expose-gc. */
  stateHeapMiB: number | null;
  /** Retained heap the index adds on top of the state (the compiled snapshots), MiB; null without --expose-gc. */
  indexHeapMiB: number | null;
}

const gc = (globalThis as { gc?: () => void }).gc;
const heapMiB = () => process.memoryUsage().heapUsed / 1024 / 1024;
const settle = () => {
  gc?.();
  gc?.();
};
const summary = (xs: number[]) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs) });

/**
 * `loadState` is called once, between two heap readings, so what it returns
 * is measured as retained memory; `stores` must hold the same tenant.
 */
export async function measureIndexBuild(loadState: () => Promise<TenantState>, stores: Stores, runs: number): Promise<IndexBuildFigures> {
  settle();
  const beforeState = heapMiB();
  const state = await loadState();
  settle();
  const afterState = heapMiB();

  const build: number[] = [];
  let keep: EvaluationIndex | undefined;
  let indexHeap: number | null = null;
  for (let i = 0; i < runs; i++) {
    keep = undefined;
    settle();
    const before = heapMiB();
    const index = new EvaluationIndex();
    const t0 = performance.now();
    if (!index.load(state, 1)) throw new Error('building the index failed');
    build.push(performance.now() - t0);
    keep = index;
    settle();
    if (i === 0 && gc) indexHeap = heapMiB() - before;
  }

  const reload: number[] = [];
  for (let i = 0; i < runs; i++) {
    const index = new EvaluationIndex();
    const t0 = performance.now();
    const report = await new IndexRefresher(stores, index, new ApiKeyIndex()).refresh();
    reload.push(performance.now() - t0);
    if (!report.state.includes(state.tenant)) throw new Error('the reload did not load the tenant');
  }
  void keep;
  return {
    flags: state.flags.length,
    environments: state.environments.length,
    segments: state.segments.length,
    runs,
    buildMs: summary(build),
    reloadFromDatabaseMs: summary(reload),
    stateHeapMiB: gc ? afterState - beforeState : null,
    indexHeapMiB: indexHeap,
  };
}
