// `make bench`: the engine and CLI figures (engine throughput against peers, CLI
// wall time), printed as tables and written to bench-out/*.json. Figures, never
// pass/fail: the exit status is 0 unless the harness itself breaks.
//
//   node bench/run.mjs (what `make bench` runs; it starts the line below)
//   node --expose-gc dist/bench/run.js [--only engine|cli] [--quick] [--users N]
//     [--rounds N] [--warmup N] [--chunk N] [--cli-runs N] [--cli-big-runs N] [--gen-flags N]
//     [--seed N] [--out DIR]
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { renderCliReport } from './cli/report.js';
import { runCliBench } from './cli/run-cli.js';
import { ffAdapter } from './engine/ff.js';
import { flagdAdapter } from './engine/flagd.js';
import { growthbookAdapter } from './engine/growthbook.js';
import { renderEngineReport } from './engine/report.js';
import { runEngineBench } from './engine/run-engine.js';
import { unleashAdapter } from './engine/unleash.js';
import { describeMachine, machineInfo } from './lib/machine.js';
import { writeResult } from './lib/output.js';
import { projectRoot, projectVersion } from './lib/root.js';

// strict: false because bench/run.mjs passes every argument to every suite;
// each suite ignores the options of the others.
const { values } = parseArgs({
  strict: false,
  options: {
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    users: { type: 'string' },
    rounds: { type: 'string' },
    warmup: { type: 'string' },
    chunk: { type: 'string' },
    'cli-runs': { type: 'string' },
    'cli-big-runs': { type: 'string' },
    'gen-flags': { type: 'string' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string', default: 'bench-out' },
  },
});

// --quick: tiny sizes to check the harness works (the smoke test), not figures.
const defaults = values.quick
  ? { users: 2_000, rounds: 1, warmup: 500, chunk: 500, cliRuns: 1, cliBigRuns: 1, genFlags: 50 }
  : { users: 1_000_000, rounds: 5, warmup: 200_000, chunk: 50_000, cliRuns: 10, cliBigRuns: 5, genFlags: 10_000 };
const num = (value: unknown, fallback: number): number => (typeof value === 'string' ? Number(value) : fallback);

const root = projectRoot();
const outDir = path.resolve(root, typeof values.out === 'string' ? values.out : 'bench-out');
const seed = num(values.seed, 1);
const machine = machineInfo();
const log = (message: string) => process.stderr.write(`bench: ${message}\n`);
const loadText = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

console.log(`machine: ${describeMachine(machine)}`);
console.log(`load average at start: ${loadText()} (1/5/15 min; figures are only comparable on an otherwise idle machine)`);
const loadAtStart = os.loadavg();
if (!(globalThis as { gc?: unknown }).gc) log('run node with --expose-gc to collect garbage between rounds (steadier figures)');

if (values.only === undefined || values.only === 'engine') {
  const figures = await runEngineBench({
    ours: ffAdapter(projectVersion(root)),
    peers: [flagdAdapter(), growthbookAdapter(), unleashAdapter()],
    users: num(values.users, defaults.users),
    rounds: num(values.rounds, defaults.rounds),
    warmupEvaluations: num(values.warmup, defaults.warmup),
    chunkSize: num(values.chunk, defaults.chunk),
    seed,
    workloads: ['A', 'B'],
    onWorkload: (w) => log(`engine workload ${w}…`),
  });
  console.log(`\n${renderEngineReport(figures)}`);
  log(`wrote ${writeResult(outDir, 'engine', machine, loadAtStart, figures)}`);
}

if (values.only === undefined || values.only === 'cli') {
  const figures = runCliBench({
    root,
    generatedFlags: num(values['gen-flags'], defaults.genFlags),
    runs: num(values['cli-runs'], defaults.cliRuns),
    bigRuns: num(values['cli-big-runs'], defaults.cliBigRuns),
    seed,
    onStep: log,
  });
  console.log(`\n${renderCliReport(figures)}`);
  log(`wrote ${writeResult(outDir, 'cli', machine, loadAtStart, figures)}`);
}

console.log(`\nload average at end: ${loadText()}`);
