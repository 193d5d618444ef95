import type { BenchUser, WorkloadId } from './workloads.js';

/** One engine, set up with one workload's flag and ready to evaluate. */
export interface PreparedEngine<Context = unknown> {
  /** This engine's context for a user; built before the clock starts. */
  context(user: BenchUser): Context;
  /** One evaluation through the engine's usual detailed API; answers the outcome label. */
  evaluate(context: Context): string;
  close(): void | Promise<void>;
}

/** An engine under test: ours or a peer. */
export interface EngineAdapter {
  name: string;
  version: string;
  /** Sets up the workload's flag, or answers undefined when the engine cannot express it. */
  prepare(workload: WorkloadId): Promise<PreparedEngine | undefined>;
}
