// `make bench`'s server figures, printed as tables and
// written to bench-out/server.json. Figures, never pass/fail: the exit status
// is 0 unless the harness itself breaks. Needs the compiled tree (npm run build).
//
//   node dist/bench/server/main.js [--quick] [--out DIR] [--only server]
//     [--server-rounds N] [--server-duration S] [--server-warmup S] [--server-connections N]
//     [--server-contexts N] [--server-log-level LEVEL] [--server-workers N] [--server-profile]
//
// Unknown options are ignored and this harness's own are prefixed, so
// bench/run.mjs may pass all of its arguments through; `--only X` with X other
// than "server" skips the run. --server-profile writes a V8 CPU profile of the
// ff server to <out>/server-profile/ and prints where its CPU went.
// --server-workers N (default 2; 0 or 1 skips it) also compares `serve
// --workers N` with a bare Fastify cluster of N workers.
import { readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { describeMachine, machineInfo } from '../lib/machine.js';
import { writeResult } from '../lib/output.js';
import { projectRoot } from '../lib/root.js';
import { renderProfileSummary } from './profile-summary.js';
import { renderServerReport } from './report.js';
import { runServerBench } from './run-server-bench.js';

const { values } = parseArgs({
  strict: false,
  options: {
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    'server-rounds': { type: 'string' },
    'server-duration': { type: 'string' },
    'server-warmup': { type: 'string' },
    'server-connections': { type: 'string' },
    'server-contexts': { type: 'string' },
    'server-log-level': { type: 'string' },
    'server-workers': { type: 'string' },
    'server-profile': { type: 'boolean', default: false },
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

const profileDir = values['server-profile'] === true ? path.join(outDir, 'server-profile') : undefined;
if (profileDir) rmSync(profileDir, { recursive: true, force: true });

const figures = await runServerBench({
  root,
  rounds: num(values['server-rounds'], defaults.rounds),
  durationS: num(values['server-duration'], defaults.duration),
  warmupS: num(values['server-warmup'], defaults.warmup),
  connections: num(values['server-connections'], defaults.connections),
  users: num(values['server-contexts'], defaults.users),
  workers: num(values['server-workers'], 2),
  ...(typeof values['server-log-level'] === 'string' ? { logLevel: values['server-log-level'] } : {}),
  ...(profileDir ? { profileDir } : {}),
  onStep: log,
});
console.log(`\n${renderServerReport(figures)}`);
log(`wrote ${writeResult(outDir, 'server', machine, loadAtStart, figures)}`);
if (profileDir) {
  for (const file of readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'))) {
    console.log(`\n${renderProfileSummary(path.join(profileDir, file))}`);
  }
}
console.log(`\nload average at end: ${loadText(os.loadavg())}`);
