// `make bench`'s write-path figures: what a write costs in a large tenant
// against the same write in a small one, measured in the same run, and the
// first apply against better-sqlite3 inserting the same rows. Figures, never
// pass/fail. Needs the compiled tree (npm run build):
//
//   node dist/bench/writes/main.js [--quick] [--flags N] [--small N] [--samples N]
//     [--first-applies N] [--seed N] [--out DIR] [--only writes]
//
// Unknown options are ignored, so bench/run.mjs may pass its own arguments
// through; `--only X` with X other than "writes" skips the run.
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { describeMachine, machineInfo } from '../lib/machine.js';
import { writeResult } from '../lib/output.js';
import { projectRoot } from '../lib/root.js';
import { renderWrites } from './report.js';
import { runWritesBench } from './run-writes.js';

const { values } = parseArgs({
  strict: false,
  options: {
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    flags: { type: 'string' },
    small: { type: 'string' },
    samples: { type: 'string' },
    'first-applies': { type: 'string' },
    seed: { type: 'string', default: '42' },
    out: { type: 'string', default: 'bench-out' },
  },
});
if (values.only !== undefined && values.only !== 'writes') process.exit(0);

// --quick: checks the harness works; the figures mean nothing.
const defaults = values.quick ? { flags: 200, small: 20, samples: 3, firstApplies: 1 } : { flags: 10_000, small: 20, samples: 40, firstApplies: 3 };
const num = (value: unknown, fallback: number): number => (typeof value === 'string' ? Number(value) : fallback);

const root = projectRoot();
const machine = machineInfo();
const loadAtStart = os.loadavg();
console.log(`machine: ${describeMachine(machine)}`);
console.log(`load average at start: ${loadAtStart.map((l) => l.toFixed(2)).join(' ')} (1/5/15 min)`);
const figures = await runWritesBench({
  root,
  sizes: [num(values.small, defaults.small), num(values.flags, defaults.flags)],
  samples: num(values.samples, defaults.samples),
  firstApplies: num(values['first-applies'], defaults.firstApplies),
  seed: num(values.seed, 42),
  onStep: (message) => process.stderr.write(`bench writes: ${message}\n`),
});
console.log(`\n${renderWrites(figures)}`);
process.stderr.write(`bench writes: wrote ${writeResult(path.resolve(root, String(values.out)), 'writes', machine, loadAtStart, figures)}\n`);
console.log(`\nload average at end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
