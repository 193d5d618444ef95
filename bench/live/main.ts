// The live-index figures, printed as tables and written to
// bench-out/live.json. Figures, never pass/fail. Needs the compiled tree
// (npm run build); run with --expose-gc for the memory figures:
//
//   node --expose-gc dist/bench/live/main.js [--quick] [--samples N] [--big-samples N]
//     [--flags N] [--runs N] [--seed N] [--out DIR] [--only live]
//
// Unknown options are ignored, so bench/run.mjs may pass its own arguments
// through; `--only X` with X other than "live" skips the run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { TenantState } from '../../core/model/index.js';
import { loadRepository } from '../../core/repo/index.js';
import { mintToken } from '../../server/auth/dev-token.js';
import { openDatabase } from '../../server/db/open.js';
import { replaceTenantState } from '../../server/features/state/replace-state.js';
import { createStores } from '../../server/stores.js';
import { describeMachine, machineInfo } from '../lib/machine.js';
import { writeResult } from '../lib/output.js';
import { projectRoot } from '../lib/root.js';
import { measureIndexBuild } from './index-build.js';
import { measurePropagation, type PropagationFigures } from './propagation.js';
import { renderIndexBuild, renderPropagation } from './report.js';
import { BENCH_SECRET, startServerProcess, type ServerProcess } from './server-process.js';

const { values } = parseArgs({
  strict: false,
  options: {
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    samples: { type: 'string' },
    'big-samples': { type: 'string' },
    flags: { type: 'string' },
    runs: { type: 'string' },
    seed: { type: 'string', default: '42' },
    out: { type: 'string', default: 'bench-out' },
  },
});
if (values.only !== undefined && values.only !== 'live') process.exit(0);

// --quick: checks the harness works; the figures mean nothing.
const defaults = values.quick ? { samples: 10, bigSamples: 3, flags: 300, runs: 2 } : { samples: 200, bigSamples: 30, flags: 10_000, runs: 5 };
const num = (value: unknown, fallback: number): number => (typeof value === 'string' ? Number(value) : fallback);
const samples = num(values.samples, defaults.samples);
const bigSamples = num(values['big-samples'], defaults.bigSamples);
const flagCount = num(values.flags, defaults.flags);
const runs = num(values.runs, defaults.runs);

const root = projectRoot();
if (!existsSync(path.join(root, 'dist', 'server', 'main.js'))) {
  console.error('bench live: dist/server/main.js is missing; run `npm run build` first');
  process.exit(1);
}
const machine = machineInfo();
const log = (message: string) => process.stderr.write(`bench live: ${message}\n`);
const loadAtStart = os.loadavg();
console.log(`machine: ${describeMachine(machine)}`);
console.log(`load average at start: ${loadAtStart.map((l) => l.toFixed(2)).join(' ')}`);

const noListener = { stateCommitted: () => {}, keysCommitted: () => {} };
const ctx = () => ({ actor: 'bench', source: 'seed' as const, requestId: null, commit: null, now: new Date().toISOString() });

/** A 20-flag tenant: the common case, where a reload costs next to nothing. */
function smallTenant(): TenantState {
  return {
    tenant: 'bench',
    environments: [{ key: 'development' }, { key: 'staging' }, { key: 'production' }],
    segments: [],
    flags: Array.from({ length: 20 }, (_, i) => ({
      key: `flag-${i}`,
      type: 'string' as const,
      variants: { blue: 'blue', green: 'green' },
      offVariant: 'blue',
      environments: { production: { enabled: true, default: { variant: 'blue' } } },
    })),
  };
}

async function withServers<T>(dbPath: string, run: (a: ServerProcess, b: ServerProcess) => Promise<T>): Promise<T> {
  const env = { FF_DB_PATH: dbPath, FF_SEED_DIR: path.join(path.dirname(dbPath), 'no-seed') };
  const a = await startServerProcess(root, 'A', env);
  const b = await startServerProcess(root, 'B', env).catch(async (err: unknown) => {
    await a.stop();
    throw err;
  });
  try {
    return await run(a, b);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
}

const work = mkdtempSync(path.join(os.tmpdir(), 'ff-bench-live-'));
try {
  // Small tenant: propagation.
  const smallDb = path.join(work, 'small', 'ff.db');
  const small = smallTenant();
  const db1 = openDatabase(smallDb);
  await replaceTenantState(createStores(db1), noListener, ctx(), small, { allowDelete: true });
  db1.close();
  log(`propagation, ${small.flags.length}-flag tenant, ${samples} writes…`);
  let smallRss = 0;
  const smallFigures: PropagationFigures = await withServers(smallDb, async (a, b) => {
    smallRss = b.rss();
    return measurePropagation(
      { a, b, token: await mintToken({ secret: BENCH_SECRET, tenants: ['bench'] }), tenant: 'bench', environment: 'production', flag: 'flag-0', variants: ['green', 'blue'], writes: samples },
      small.flags.length,
    );
  });
  console.log(`\n${renderPropagation('Propagation, small tenant', smallFigures)}`);

  // Large tenant: index build, memory, and propagation when every change reloads 10,000 flags.
  const repoDir = path.join(work, 'repo');
  log(`generating ${flagCount} flags (scripts/gen-repo.mjs --seed ${values.seed})…`);
  const gen = spawnSync(process.execPath, [path.join(root, 'scripts', 'gen-repo.mjs'), '--out', repoDir, '--flags', String(flagCount), '--tenants', '1', '--seed', String(values.seed)], { encoding: 'utf8' });
  if (gen.status !== 0) throw new Error(`gen-repo failed: ${gen.stderr}`);
  const bigDb = path.join(work, 'big', 'ff.db');
  const db2 = openDatabase(bigDb);
  const stores = createStores(db2);
  let big: TenantState | undefined;
  log(`index build and memory, ${runs} runs…`);
  const indexFigures = await measureIndexBuild(
    async () => {
      const loaded = await loadRepository(repoDir);
      const state = loaded.tenants[0];
      if (state === undefined || loaded.diagnostics.some((d) => d.severity === 'error')) throw new Error('the generated repository did not load');
      await replaceTenantState(stores, noListener, ctx(), state, { allowDelete: true });
      big = state;
      return state;
    },
    stores,
    runs,
  );
  db2.close();
  const bigState = big as unknown as TenantState;
  const flag = bigState.flags.find((f) => f.type === 'string' && Object.keys(f.variants).length >= 2 && f.environments?.production !== undefined);
  if (flag === undefined) throw new Error('no two-variant string flag with a production config');
  log(`propagation, ${bigState.flags.length}-flag tenant, ${bigSamples} writes…`);
  let bigRss = 0;
  const bigFigures = await withServers(bigDb, async (a, b) => {
    bigRss = b.rss();
    return measurePropagation(
      {
        a,
        b,
        token: await mintToken({ secret: BENCH_SECRET, tenants: [bigState.tenant] }),
        tenant: bigState.tenant,
        environment: 'production',
        flag: flag.key,
        variants: Object.keys(flag.variants).slice(0, 2) as [string, string],
        writes: bigSamples,
      },
      bigState.flags.length,
    );
  });
  console.log(`\n${renderPropagation('Propagation, large tenant (each process recompiles only what a revision changed)', bigFigures)}`);
  console.log(`\n${renderIndexBuild(indexFigures, { small: smallRss, large: bigRss })}`);
  const figures = { smallTenant: smallFigures, largeTenant: bigFigures, indexBuild: indexFigures, serverRssBytes: { small: smallRss, large: bigRss } };
  log(`wrote ${writeResult(path.resolve(root, String(values.out)), 'live', machine, loadAtStart, figures)}`);
  console.log(`\nload average at end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
