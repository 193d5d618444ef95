// `make bench`'s console figure: how long the console takes, in headless
// Chromium against the built server on localhost, from navigation to the
// first rows of the flag list — for a 10,000-flag tenant and, as the baseline
// measured in the same run with rounds interleaved, a 20-flag one. The list
// fetches one page and renders a window of rows, so the ratio should stay
// near 1. Figures, never pass/fail. Needs the compiled tree and Chromium:
//
//   node dist/bench/console/main.js [--quick] [--rounds N] [--out DIR] [--only console]
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import type { Flag, TenantState } from '../../core/model/index.js';
import { mintToken } from '../../server/auth/dev-token.js';
import { openDatabase } from '../../server/db/open.js';
import { replaceTenantState } from '../../server/features/state/replace-state.js';
import { createStores } from '../../server/stores.js';
import { BENCH_SECRET, startServerProcess } from '../live/server-process.js';
import { describeMachine, machineInfo } from '../lib/machine.js';
import { writeResult } from '../lib/output.js';
import { projectRoot } from '../lib/root.js';
import { median } from '../lib/stats.js';
import { formatMs, formatRatio, renderTable } from '../lib/table.js';

const { values } = parseArgs({
  strict: false,
  options: { only: { type: 'string' }, quick: { type: 'boolean', default: false }, rounds: { type: 'string' }, out: { type: 'string', default: 'bench-out' } },
});
if (values.only !== undefined && values.only !== 'console') process.exit(0);
const rounds = typeof values.rounds === 'string' ? Number(values.rounds) : values.quick ? 2 : 15;
const bigSize = values.quick ? 500 : 10_000;

const CHROMIUM = [process.env.FF_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => p !== undefined && existsSync(p));
if (CHROMIUM === undefined) throw new Error('bench console: Chromium is not installed (scripts/ensure-chromium.sh installs it, or set FF_CHROMIUM)');

function tenant(key: string, size: number): TenantState {
  const flags: Flag[] = Array.from({ length: size }, (_, i) => ({
    key: `flag-${String(i).padStart(5, '0')}`,
    description: `Flag ${i}`,
    owner: 'team-bench',
    tags: ['bench'],
    type: 'boolean',
    variants: { on: true, off: false },
    offVariant: 'off',
    environments: {
      staging: { enabled: true, default: { variant: 'on' } },
      production: {
        enabled: i % 3 !== 0,
        rules: [{ id: 'staff', conditions: [{ attribute: 'email', operator: 'ends_with', value: '@acme.example' }], serve: { variant: 'on' } }],
        default: { rollout: { on: 10, off: 90 } },
      },
    },
  }));
  return { tenant: key, environments: [{ key: 'staging' }, { key: 'production' }], flags, segments: [] };
}

const root = projectRoot();
const machine = machineInfo();
const loadAtStart = os.loadavg();
console.log(`machine: ${describeMachine(machine)}`);
console.log(`load average at start: ${loadAtStart.map((l) => l.toFixed(2)).join(' ')} (1/5/15 min)`);

const work = mkdtempSync(path.join(os.tmpdir(), 'ff-bench-console-'));
const dbPath = path.join(work, 'ff.db');
const db = openDatabase(dbPath);
const ctx = { actor: 'bench', source: 'seed' as const, requestId: null, commit: null, now: new Date().toISOString() };
const noListener = { stateCommitted: () => {}, keysCommitted: () => {} };
const stores = createStores(db);
for (const t of [tenant('big', bigSize), tenant('small', 20)]) await replaceTenantState(stores, noListener, ctx, t, { allowDelete: true });
db.close();

const server = await startServerProcess(root, 'console', { FF_DB_PATH: dbPath, FF_SEED_DIR: path.join(work, 'no-seed'), FF_WATCH_DB: '0' });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-background-networking'] });
try {
  const token = await mintToken({ secret: BENCH_SECRET, tenants: ['big', 'small'], sub: 'bench' });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // Signed in as the console keeps it: the token in this tab's session storage.
  await context.addInitScript((t) => (globalThis as unknown as { sessionStorage: { setItem(k: string, v: string): void } }).sessionStorage.setItem('ff.console.token', t), token);
  const timeToRows = async (key: string): Promise<number> => {
    const page = await context.newPage();
    const start = performance.now();
    await page.goto(`${server.url}/ui/#/${key}/flags`);
    await page.waitForSelector('table.flags tbody tr.row');
    const ms = performance.now() - start;
    await page.close();
    return ms;
  };
  await timeToRows('small'); // first visit: assets into the cache, as any later visit finds them
  const big: number[] = [];
  const small: number[] = [];
  for (let r = 0; r < rounds; r++) {
    small.push(await timeToRows('small'));
    big.push(await timeToRows('big'));
  }
  const figures = { bigFlags: bigSize, smallFlags: 20, rounds, bigMs: median(big), smallMs: median(small), ratio: median(big.map((b, i) => b / small[i]!)) };
  console.log(
    `\n${renderTable(
      [{ title: 'tenant' }, { title: 'navigation → first rows', align: 'right' }, { title: 'vs 20 flags', align: 'right' }],
      [
        [`${bigSize} flags`, formatMs(figures.bigMs), formatRatio(figures.ratio)],
        ['20 flags (baseline)', formatMs(figures.smallMs), formatRatio(1)],
      ],
    )}`,
  );
  console.log(`(median of ${rounds} interleaved rounds in headless Chromium on localhost; the ratio is the median of per-round ratios)`);
  process.stderr.write(`bench console: wrote ${writeResult(path.resolve(root, String(values.out)), 'console', machine, loadAtStart, figures)}\n`);
} finally {
  await browser.close();
  await server.stop();
  rmSync(work, { recursive: true, force: true });
}
console.log(`\nload average at end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
