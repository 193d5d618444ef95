// The SDK figures, printed as tables and written to bench-out/sdk.json.
// Figures, never pass/fail; each is set against a baseline measured in the
// same run. Needs the compiled tree (npm run build); --expose-gc for memory:
//
//   node --expose-gc dist/bench/sdk/main.js [--quick] [--users N] [--rounds N]
//     [--applies N] [--flags N] [--seed N] [--out DIR] [--only sdk]
//
// Unknown options are ignored, so bench/run.mjs may pass its own arguments
// through; `--only X` with X other than "sdk" skips the run.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { describeMachine, machineInfo } from '../lib/machine.js';
import { writeResult } from '../lib/output.js';
import { projectRoot, projectVersion } from '../lib/root.js';
import { formatInteger, formatMs, formatPercent, formatRatio, renderTable } from '../lib/table.js';
import { measureMemory } from './memory.js';
import { measureApplyToSdk } from './propagation.js';
import { measureOpenFeature, measureRaw } from './throughput.js';

const { values } = parseArgs({
  strict: false,
  options: {
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    users: { type: 'string' },
    rounds: { type: 'string' },
    applies: { type: 'string' },
    flags: { type: 'string' },
    seed: { type: 'string', default: '42' },
    out: { type: 'string', default: 'bench-out' },
  },
});
if (values.only !== undefined && values.only !== 'sdk') process.exit(0);

// --quick: checks the harness works; the figures mean nothing.
const defaults = values.quick ? { users: 2_000, rounds: 2, applies: 5, flags: 300 } : { users: 200_000, rounds: 7, applies: 200, flags: 10_000 };
const num = (value: unknown, fallback: number): number => (typeof value === 'string' ? Number(value) : fallback);
const users = num(values.users, defaults.users);
const rounds = num(values.rounds, defaults.rounds);
const applies = num(values.applies, defaults.applies);
const flagCount = num(values.flags, defaults.flags);
const seed = Number(values.seed);

const root = projectRoot();
if (!existsSync(path.join(root, 'dist', 'server', 'main.js'))) {
  console.error('bench sdk: dist/server/main.js is missing; run `npm run build` first');
  process.exit(1);
}
const version = projectVersion(root);
const machine = machineInfo();
const log = (message: string) => process.stderr.write(`bench sdk: ${message}\n`);
const loadAtStart = os.loadavg();
console.log(`machine: ${describeMachine(machine)}`);
console.log(`load average at start: ${loadAtStart.map((l) => l.toFixed(2)).join(' ')}`);

const work = mkdtempSync(path.join(os.tmpdir(), 'ff-bench-sdk-'));
try {
  log(`raw evaluation, ${users} users × ${rounds} rounds…`);
  const raw = await measureRaw(version, { users, rounds, seed });
  console.log('\nRaw evaluation: FfClient.evaluate vs the bare engine on the same snapshot (goal ≥ 0.9×)');
  console.log(
    renderTable(
      [{ title: 'workload' }, { title: 'bare engine (evals/s)', align: 'right' }, { title: 'SDK (evals/s)', align: 'right' }, { title: 'SDK / engine', align: 'right' }],
      raw.map((r) => [r.workload, formatInteger(r.engine.medianPerSecond), formatInteger(r.sdk.medianPerSecond), formatRatio(r.ratio)]),
    ),
  );

  log(`OpenFeature getBooleanDetails, ${users} users × ${rounds} rounds…`);
  const of = await measureOpenFeature(version, { users, rounds, seed });
  console.log('\nOpenFeature client.getBooleanDetails, workload A: ff provider vs @openfeature/flagd-provider in-process (goal ≥ 3×)');
  console.log(
    renderTable(
      [{ title: 'provider' }, { title: 'version' }, { title: 'evals/s', align: 'right' }, { title: 'share on', align: 'right' }, { title: 'errors', align: 'right' }],
      [
        ['ff (FfProvider)', version, formatInteger(of.ff.medianPerSecond), formatPercent(of.ff.onShare), of.ff.errors],
        ['flagd in-process (offline file)', of.flagd.version, formatInteger(of.flagd.medianPerSecond), formatPercent(of.flagd.onShare), of.flagd.errors],
        ['floor: a provider answering the default (the SDK’s own cost)', of.floor.version, formatInteger(of.floor.medianPerSecond), '', ''],
        ['ff / flagd', '', formatRatio(of.ratio), '', ''],
        ['ff / floor', '', formatRatio(of.ofFloorShare), '', ''],
      ],
    ),
  );

  log(`SDK memory, ${flagCount} generated flags…`);
  const memory = await measureMemory(root, work, flagCount, String(values.seed));
  const mib = (v: number | null) => (v === null ? 'n/a (--expose-gc)' : `${v.toFixed(1)} MiB`);
  console.log(`\nSDK memory: one environment of ${formatInteger(memory.flags)} generated flags, ${memory.segments} segments`);
  console.log(
    renderTable(
      [{ title: 'what' }, { title: 'figure', align: 'right' }],
      [
        ['GET /v1/config body', `${(memory.configBytes / 1024 / 1024).toFixed(1)} MiB`],
        ['parsed document alone (baseline)', mib(memory.documentHeapMiB)],
        ['ready FfClient (document + snapshot)', mib(memory.clientHeapMiB)],
        ['client / document', memory.clientHeapMiB === null || memory.documentHeapMiB === null ? 'n/a' : formatRatio(memory.clientHeapMiB / memory.documentHeapMiB)],
        ['first load: validate + compile', formatMs(memory.loadMs)],
        ['next revision, one flag edited: full reload (baseline)', formatMs(memory.fullReloadMs)],
        ['next revision, one flag edited: incremental', formatMs(memory.updateOneFlagMs)],
        ['incremental / full', formatRatio(memory.updateOneFlagMs / memory.fullReloadMs)],
      ],
    ),
  );

  log(`apply → SDK visible, ${applies} applies…`);
  const propagation = await measureApplyToSdk(root, work, { flags: 20, applies });
  console.log(`\nApply → SDK visible: POST /v1/apply on a ${propagation.flags}-flag tenant until the FfClient's change event (${propagation.applies} applies)`);
  console.log(
    renderTable(
      [{ title: 'interval' }, { title: 'median', align: 'right' }, { title: 'p99', align: 'right' }],
      [
        ['apply round trip (baseline)', formatMs(propagation.applyRoundTrip.medianMs), formatMs(propagation.applyRoundTrip.p99Ms)],
        ['apply sent → SDK change event', formatMs(propagation.applyToSdk.medianMs), formatMs(propagation.applyToSdk.p99Ms)],
      ],
    ),
  );

  const figures = { raw, openFeature: of, memory, applyToSdk: propagation };
  log(`wrote ${writeResult(path.resolve(root, String(values.out)), 'sdk', machine, loadAtStart, figures)}`);
  console.log(`\nload average at end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
