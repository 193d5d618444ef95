// `make bench`'s GitOps figures, printed as tables and
// written to bench-out/gitops.json. Figures, never pass/fail. Needs the
// compiled tree (npm run build).
//
//   node dist/bench/gitops/main.js [--quick] [--flags N] [--runs N] [--apply-runs N]
//     [--propagation N] [--seed N] [--out DIR] [--only gitops]
//
// Unknown options are ignored, so bench/run.mjs may pass its own arguments
// through; `--only X` with X other than "gitops" skips the run.
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { describeMachine, machineInfo } from '../lib/machine.js';
import { writeResult } from '../lib/output.js';
import { projectRoot } from '../lib/root.js';
import { renderGitopsReport } from './report.js';
import { runGitopsBench } from './run-gitops.js';

const { values } = parseArgs({
  strict: false,
  options: {
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    flags: { type: 'string' },
    runs: { type: 'string' },
    'apply-runs': { type: 'string' },
    propagation: { type: 'string' },
    seed: { type: 'string', default: '1' },
    out: { type: 'string', default: 'bench-out' },
  },
});

if (values.only !== undefined && values.only !== 'gitops') process.exit(0);

// --quick: checks the harness works; the figures mean nothing.
const defaults = values.quick ? { flags: 50, runs: 1, applyRuns: 1, propagation: 2 } : { flags: 5_000, runs: 5, applyRuns: 3, propagation: 20 };
const num = (value: unknown, fallback: number): number => (typeof value === 'string' ? Number(value) : fallback);

const root = projectRoot();
const machine = machineInfo();
const loadAtStart = os.loadavg();
console.log(`machine: ${describeMachine(machine)}`);
console.log(`load average at start: ${loadAtStart.map((l) => l.toFixed(2)).join(' ')} (1/5/15 min)`);
const figures = await runGitopsBench({
  root,
  flags: num(values.flags, defaults.flags),
  runs: num(values.runs, defaults.runs),
  applyRuns: num(values['apply-runs'], defaults.applyRuns),
  propagationSamples: num(values.propagation, defaults.propagation),
  seed: num(values.seed, 1),
  onStep: (message) => process.stderr.write(`bench: ${message}\n`),
});
console.log(`\n${renderGitopsReport(figures)}`);
process.stderr.write(`bench: wrote ${writeResult(path.resolve(root, String(values.out)), 'gitops', machine, loadAtStart, figures)}\n`);
console.log(`\nload average at end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
