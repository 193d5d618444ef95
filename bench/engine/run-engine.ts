// Item 13: our engine against flagd-core, GrowthBook and Unleash on workloads A
// and B, measured in the same process and the same run. Computes the figures;
// report.ts renders them.
import type { EngineAdapter } from './adapter.js';
import { median } from '../lib/stats.js';
import { measureWorkload, type EngineMeasurement } from './measure.js';
import { benchUsers, expectedShares, WORKLOADS, type WorkloadId } from './workloads.js';

export interface EngineBenchOptions {
  /** Our engine first, then the peers. */
  ours: EngineAdapter;
  peers: readonly EngineAdapter[];
  users: number;
  rounds: number;
  warmupEvaluations: number;
  /** Users per interleaved chunk. */
  chunkSize: number;
  seed: number;
  workloads: readonly WorkloadId[];
  /** Called before each workload starts, for progress output. */
  onWorkload?: (workload: WorkloadId) => void;
}

export interface WorkloadFigures {
  workload: WorkloadId;
  title: string;
  users: number;
  rounds: number;
  expectedShares: Record<string, number>;
  engines: (EngineMeasurement & { ratioToFastestPeer: number })[];
  fastestPeer?: string;
  /** Our median evals/s divided by the fastest peer's. The goal is ≥ 5. */
  oursVsFastestPeer: number;
  /**
   * The median over rounds of (ours ÷ fastest peer) within the same round. Both
   * ran moments apart, so a busy spell on the machine cancels out of the ratio:
   * steadier than the ratio of medians on a noisy machine.
   */
  oursVsFastestPeerPaired: number;
}

export async function runEngineBench(options: EngineBenchOptions): Promise<WorkloadFigures[]> {
  const users = benchUsers(options.users);
  const figures: WorkloadFigures[] = [];
  for (const workload of options.workloads) {
    options.onWorkload?.(workload);
    const measured = await measureWorkload([options.ours, ...options.peers], {
      workload,
      users,
      rounds: options.rounds,
      warmupEvaluations: options.warmupEvaluations,
      chunkSize: options.chunkSize,
      seed: options.seed,
    });
    const peers = measured.slice(1).filter((m) => m.expressible);
    const fastestPeer = peers.reduce<EngineMeasurement | undefined>(
      (best, m) => (best === undefined || m.medianPerSecond > best.medianPerSecond ? m : best),
      undefined,
    );
    const peerRate = fastestPeer?.medianPerSecond ?? Number.NaN;
    const ours = measured[0]!;
    const paired = (fastestPeer?.roundsPerSecond ?? []).map((peer, round) => (ours.roundsPerSecond[round] ?? Number.NaN) / peer);
    figures.push({
      workload,
      title: WORKLOADS[workload].title,
      users: users.length,
      rounds: options.rounds,
      expectedShares: expectedShares(workload, users),
      engines: measured.map((m) => ({ ...m, ratioToFastestPeer: m.medianPerSecond / peerRate })),
      ...(fastestPeer ? { fastestPeer: fastestPeer.engine } : {}),
      oursVsFastestPeer: ours.medianPerSecond / peerRate,
      oursVsFastestPeerPaired: paired.length > 0 ? median(paired) : Number.NaN,
    });
  }
  return figures;
}
