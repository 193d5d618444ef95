// `make bench`'s server figures (issue 3, item 13), printed as tables and
// written to bench-out/server.json. Figures, never pass/fail: the exit status
// is 0 unless the harness itself breaks. Needs the compiled tree (npm run build).
//
//   node dist/bench/server/main.js [--quick] [--rounds N] [--duration S] [--warmup S]
//     [--connections N] [--users N] [--log-level LEVEL] [--profile] [--out DIR] [--only server]
//
// Unknown options are ignored, so bench/run.mjs may pass its own arguments
// through; `--only X` with X other than "server" skips the run.
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { describeMachine, machineInfo } from '../lib/machine.js';
import { writeResult } from '../lib/output.js';
import { projectRoot } from '../lib/root.js';
import { renderServerReport } from './report.js';
import { runServerBench } from './run-server-bench.js';

const { values } = parseArgs({
  strict: false,
  options: {
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string' },
    users: { type: 'string' },
    profile: { type: 'boolean', default: false },
    'log-level': { type: 'string' },
    out: { type: 'string', default: 'bench-out' },
  },
});

if (values.only !== undefined && values.only !== 'server') process.exit(0);

// --quick: checks the harness works (the smoke test); the figures mean nothing.
const defaults = values.quick
  ? { rounds: 1, duration: 1, warmup: 0, connections: 10, users: 4 }
  : { rounds: 3, duration: 5, warmup: 2, connections: 50, users: 64 };
const num = (value: unknown, fallback: number): number => (typeof value === 'string' ? Number(value) : fallback);

const root = projectRoot();
const outDir = path.resolve(root, typeof values.out === 'string' ? values.out : 'bench-out');
const machine = machineInfo();
const loadAtStart = os.loadavg();
const loadText = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
const log = (message: string) => process.stderr.write(`bench server: ${message}\n`);

console.log(`machine: ${describeMachine(machine)}`);
console.log(`load average at start: ${loadText(loadAtStart)} (1/5/15 min; figures are only comparable on an otherwise idle machine)`);

const figures = await runServerBench({
  root,
  rounds: num(values.rounds, defaults.rounds),
  durationS: num(values.duration, defaults.duration),
  warmupS: num(values.warmup, defaults.warmup),
  connections: num(values.connections, defaults.connections),
  users: num(values.users, defaults.users),
  ...(typeof values['log-level'] === 'string' ? { logLevel: values['log-level'] } : {}),
  ...(values.profile === true ? { profileDir: path.join(outDir, 'server-profile') } : {}),
  onStep: log,
});
console.log(`\n${renderServerReport(figures)}`);
log(`wrote ${writeResult(outDir, 'server', machine, loadAtStart, figures)}`);
console.log(`\nload average at end: ${loadText(os.loadavg())}`);
