// Runs every engine on one workload in interleaved rounds. Each round walks the
// whole user population in chunks; for each chunk, every engine (in an order
// shuffled per round) evaluates that chunk. Interleaving at the scale of a chunk
// (tens of milliseconds) spreads the machine's busy spells over all engines
// instead of charging them to whichever happened to run then. A round's figure
// per engine is its users divided by its summed chunk times; the figure reported
// is the median over rounds.
import { performance } from 'node:perf_hooks';
import { median, seededRandom, shuffled } from '../lib/stats.js';
import type { EngineAdapter, PreparedEngine } from './adapter.js';
import type { BenchUser, WorkloadId } from './workloads.js';

export interface MeasureOptions {
  workload: WorkloadId;
  users: readonly BenchUser[];
  rounds: number;
  /** Evaluations per engine before the first timed round, so the JIT has settled. */
  warmupEvaluations: number;
  /** Users per chunk (the interleaving grain). */
  chunkSize: number;
  seed: number;
}

export interface EngineMeasurement {
  engine: string;
  version: string;
  expressible: boolean;
  /** Evaluations per second in each round, in round order. */
  roundsPerSecond: number[];
  medianPerSecond: number;
  /** Outcome label → share of users, from the first timed round (every round sees the same users). */
  shares: Record<string, number>;
}

type Tally = Record<string, number>;
type Loop = (evaluate: (context: unknown) => string, contexts: readonly unknown[], tally: Tally) => void;

/**
 * A fresh copy of the timing loop per engine. Compiling it from source gives each
 * engine its own function, so the `evaluate` call site stays monomorphic and V8
 * can inline that engine's code — one shared loop would go megamorphic and slow
 * every engine down by a different amount.
 */
function makeLoop(): Loop {
  return new Function(
    'evaluate',
    'contexts',
    'tally',
    `'use strict';
    for (let i = 0; i < contexts.length; i++) {
      const outcome = evaluate(contexts[i]);
      tally[outcome] = (tally[outcome] || 0) + 1;
    }`,
  ) as Loop;
}

interface Contender {
  adapter: EngineAdapter;
  prepared: PreparedEngine;
  loop: Loop;
  rounds: number[];
  shares?: Record<string, number>;
}

type Gc = (options?: { type: 'minor' | 'major' }) => void;
const gc = (globalThis as { gc?: Gc }).gc;

/** Times one chunk; answers seconds. Contexts are built before the clock starts: we time evaluation, not object creation. */
function timeChunk(c: Contender, users: readonly BenchUser[], tally: Tally): number {
  const contexts = users.map((u) => c.prepared.context(u));
  // Empty the young generation so this engine does not pay for the last one's garbage.
  gc?.({ type: 'minor' });
  const start = performance.now();
  c.loop(c.prepared.evaluate, contexts, tally);
  return (performance.now() - start) / 1000;
}

function chunksOf<T>(items: readonly T[], size: number): (readonly T[])[] {
  const out: (readonly T[])[] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function measureWorkload(adapters: readonly EngineAdapter[], options: MeasureOptions): Promise<EngineMeasurement[]> {
  const contenders: Contender[] = [];
  const unexpressible: EngineMeasurement[] = [];
  for (const adapter of adapters) {
    const prepared = await adapter.prepare(options.workload);
    if (prepared === undefined) {
      unexpressible.push({ engine: adapter.name, version: adapter.version, expressible: false, roundsPerSecond: [], medianPerSecond: Number.NaN, shares: {} });
    } else {
      contenders.push({ adapter, prepared, loop: makeLoop(), rounds: [] });
    }
  }

  const chunks = chunksOf(options.users, Math.max(1, options.chunkSize));
  const warmupUsers = options.users.slice(0, Math.max(1, Math.min(options.warmupEvaluations, options.users.length)));
  for (const c of contenders) for (const chunk of chunksOf(warmupUsers, options.chunkSize)) timeChunk(c, chunk, {});

  const random = seededRandom(options.seed);
  for (let round = 0; round < options.rounds; round++) {
    gc?.();
    const order = shuffled(contenders, random);
    const seconds = new Map<Contender, number>(order.map((c) => [c, 0]));
    const tallies = new Map<Contender, Tally>(order.map((c) => [c, {}]));
    for (const chunk of chunks) {
      for (const c of order) seconds.set(c, seconds.get(c)! + timeChunk(c, chunk, tallies.get(c)!));
    }
    for (const c of order) {
      c.rounds.push(options.users.length / seconds.get(c)!);
      c.shares ??= Object.fromEntries(Object.entries(tallies.get(c)!).map(([outcome, count]) => [outcome, count / options.users.length]));
    }
  }

  const results: EngineMeasurement[] = [...unexpressible];
  for (const c of contenders) {
    await c.prepared.close();
    results.push({
      engine: c.adapter.name,
      version: c.adapter.version,
      expressible: true,
      roundsPerSecond: c.rounds,
      medianPerSecond: median(c.rounds),
      shares: c.shares ?? {},
    });
  }
  // Keep the caller's adapter order in the report, whatever order they ran in.
  return adapters.map((a) => results.find((r) => r.engine === a.name)!);
}
