// `make bench`'s experimentation figures, each against a baseline measured in
// the same run (figures, never pass/fail):
//  1. metric event ingestion through POST /v1/events on one server process
//     (SQLite), in events/s, against better-sqlite3 inserting the same rows;
//  2. results computation for 1M exposures and 5M events (the per-unit SQL
//     aggregation), against one full scan of the events table and against
//     reading the rows into JavaScript and aggregating there;
//  3. evaluation with the exposure observer on, against today's observers.
// Needs the compiled tree (npm run build):
//
//   node dist/bench/experiments/main.js [--quick] [--units N] [--events N] [--out DIR] [--only experiments]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildSnapshot, evaluate } from '../../core/engine/index.js';
import { analyzeExperiment } from '../../core/experiments/index.js';
import type { TenantState } from '../../core/model/index.js';
import { buildApp } from '../../server/app.js';
import { mintToken } from '../../server/auth/dev-token.js';
import { loadConfig } from '../../server/config.js';
import { openDatabase } from '../../server/db/open.js';
import { metricsObserver, composeObservers } from '../../server/features/evaluate/observe-evaluations.js';
import { FOREVER_MS, SqliteExperimentDataStore } from '../../server/features/experiments/experiment-data-store.js';
import { ExposureRecorder } from '../../server/features/experiments/exposure-recorder.js';
import { replaceTenantState } from '../../server/features/state/replace-state.js';
import { EvaluationIndex } from '../../server/evaluation-index/evaluation-index.js';
import { createMetrics } from '../../server/observability/metrics.js';
import { describeMachine, machineInfo } from '../lib/machine.js';
import { writeResult } from '../lib/output.js';
import { projectRoot } from '../lib/root.js';
import { median, seededRandom } from '../lib/stats.js';
import { formatInteger, formatMs, formatRatio, renderTable } from '../lib/table.js';

const { values } = parseArgs({
  strict: false,
  options: {
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    units: { type: 'string' },
    events: { type: 'string' },
    out: { type: 'string', default: 'bench-out' },
  },
});
if (values.only !== undefined && values.only !== 'experiments') process.exit(0);
const quick = values.quick === true;
const UNITS = typeof values.units === 'string' ? Number(values.units) : quick ? 10_000 : 1_000_000;
const EVENTS = typeof values.events === 'string' ? Number(values.events) : quick ? 50_000 : 5_000_000;
const log = (m: string) => process.stderr.write(`bench experiments: ${m}\n`);
const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

const SECRET = 'bench-secret-that-is-at-least-32-bytes-long!!';
const START = Date.parse('2026-06-01T00:00:00Z');

const STATE: TenantState = {
  tenant: 'bench',
  environments: [{ key: 'production' }],
  segments: [],
  flags: [
    {
      key: 'checkout',
      type: 'string',
      variants: { old: 'v1', new: 'v2' },
      offVariant: 'old',
      environments: { production: { enabled: true, rules: [{ id: 'enterprise', conditions: [{ attribute: 'plan', operator: 'equals', value: 'enterprise' }], serve: { variant: 'new' } }], default: { rollout: { old: 50, new: 50 } } } },
    },
  ],
  experiments: [
    {
      key: 'checkout-test',
      flag: 'checkout',
      environment: 'production',
      variants: ['old', 'new'],
      start: '2026-06-01',
      metrics: { primary: { event: 'purchase', type: 'conversion' }, guardrails: [{ event: 'revenue', type: 'mean' }] },
    },
  ],
};

// ---- 1. ingestion ---------------------------------------------------------

async function ingestion() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ff-bench-events-'));
  const config = loadConfig({ FF_JWT_SECRET: SECRET, FF_DB_PATH: path.join(dir, 'ff.db'), FF_PORT: '0', FF_LOG_LEVEL: 'silent', FF_SEED_DIR: path.join(dir, 'none') });
  const app = await buildApp(config);
  await replaceTenantState(app.ff.stores, app.ff.listener, { actor: 'bench', source: 'seed', requestId: null, commit: null, now: new Date().toISOString() }, STATE, { allowDelete: true });
  await app.listen({ host: '127.0.0.1', port: 0 });
  await app.ff.whenReady();
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  const token = await mintToken({ secret: SECRET, tenants: ['bench'], sub: 'bench' });
  const key = (await (await fetch(`${url}/v1/api-keys`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'x-tenant-id': 'bench', 'content-type': 'application/json' }, body: JSON.stringify({ name: 'bench', environment: 'production' }) })).json()) as { key: string };
  const batch = 500;
  const total = quick ? 20_000 : 400_000;
  const concurrency = 4;
  let next = 0;
  const body = (n: number) =>
    JSON.stringify({ events: Array.from({ length: batch }, (_, i) => ({ id: `e-${n}-${i}`, event: i % 3 === 0 ? 'revenue' : 'purchase', unit: `user-${(n * batch + i) % 100_000}`, ...(i % 3 === 0 ? { value: 19.99 } : {}) })) });
  const bodies = Array.from({ length: total / batch }, (_, n) => body(n));
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const n = next++;
        if (n >= bodies.length) return;
        const r = await fetch(`${url}/v1/events`, { method: 'POST', headers: { 'x-api-key': key.key, 'content-type': 'application/json' }, body: bodies[n] });
        if (r.status !== 202) throw new Error(`POST /v1/events: ${r.status} ${await r.text()}`);
        await r.arrayBuffer().catch(() => undefined);
      }
    }),
  );
  const http = total / seconds(t0);
  await app.close();

  // The same rows straight into the same table with better-sqlite3, 500 per transaction.
  const raw = openDatabase(path.join(dir, 'raw.db'));
  const insert = raw.prepare('INSERT INTO metric_events (tenant, id, environment, event, unit, value, ts, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING');
  const write = raw.transaction((rows: { id: string; event: string; unit: string; value?: number }[], now: number) => {
    for (const e of rows) insert.run('bench', e.id, 'production', e.event, e.unit, e.value ?? null, now, now);
  });
  const parsed = bodies.map((b) => (JSON.parse(b) as { events: { id: string; event: string; unit: string; value?: number }[] }).events);
  const t1 = process.hrtime.bigint();
  for (const rows of parsed) write(rows, Date.now());
  const bare = total / seconds(t1);
  raw.close();
  rmSync(dir, { recursive: true, force: true });
  return { events: total, batch, concurrency, httpEventsPerSecond: http, sqliteEventsPerSecond: bare };
}

// ---- 2. results -------------------------------------------------------------

async function results() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ff-bench-results-'));
  const db = openDatabase(path.join(dir, 'ff.db'));
  const random = seededRandom(7);
  log(`writing ${formatInteger(UNITS)} exposures and ${formatInteger(EVENTS)} events`);
  const exposure = db.prepare("INSERT INTO exposures (tenant, experiment, unit, variant, environment, revision, commit_sha, first_at, source) VALUES ('bench', 'checkout-test', ?, ?, 'production', 1, NULL, ?, 'server')");
  const event = db.prepare("INSERT INTO metric_events (tenant, id, environment, event, unit, value, ts, received_at) VALUES ('bench', ?, 'production', ?, ?, ?, ?, ?)");
  const firstAt = new Float64Array(UNITS);
  db.transaction(() => {
    for (let u = 0; u < UNITS; u++) {
      firstAt[u] = START + Math.floor(random() * 14 * 86_400_000);
      const variant = random() < 0.5 ? 'old' : 'new';
      exposure.run(`user-${u}`, variant, firstAt[u]);
      // One unit in a thousand also saw the other variant.
      if (u % 1000 === 0) exposure.run(`user-${u}`, variant === 'old' ? 'new' : 'old', firstAt[u]! + 1000);
    }
  })();
  const chunk = 100_000;
  for (let done = 0; done < EVENTS; done += chunk) {
    db.transaction(() => {
      for (let i = done; i < Math.min(EVENTS, done + chunk); i++) {
        const u = Math.floor(random() * UNITS);
        const revenue = i % 5 < 2;
        const ts = firstAt[u]! + Math.floor((random() - 0.1) * 7 * 86_400_000);
        event.run(`e-${i}`, revenue ? 'revenue' : 'purchase', `user-${u}`, revenue ? 5 + random() * 100 : null, ts, ts);
      }
    })();
    if ((done / chunk) % 10 === 0) log(`  ${formatInteger(done + chunk)} events`);
  }
  db.exec('ANALYZE');
  const store = new SqliteExperimentDataStore(db);
  const query = (event: string) => ({ tenant: 'bench', environment: 'production', experiment: 'checkout-test', start: START, stop: FOREVER_MS, event, windowMs: FOREVER_MS });
  const runs = quick ? 1 : 3;
  const time = async <T>(fn: () => Promise<T> | T): Promise<{ s: number; value: T }> => {
    const times: number[] = [];
    let value: T | undefined;
    for (let i = 0; i < runs; i++) {
      const t = process.hrtime.bigint();
      value = await fn();
      times.push(seconds(t));
    }
    return { s: median(times), value: value as T };
  };
  const whole = await time(async () => {
    const metrics = [await store.metricSummary(query('purchase')), await store.metricSummary(query('revenue'))];
    return analyzeExperiment({ experiment: STATE.experiments![0]!, allocations: [{ revision: 1, weights: { old: 50, new: 50 }, commit: null }], metrics, now: START + 30 * 86_400_000 });
  });
  const scan = await time(() => db.prepare('SELECT COUNT(*) AS n, SUM(value) AS s FROM metric_events').get());
  // The alternative the design avoids: read one metric's rows and the exposures into JavaScript, aggregate per unit there.
  const inJs = await time(() => {
    const first = new Map<string, number>();
    for (const row of db.prepare("SELECT unit, first_at FROM exposures WHERE tenant = 'bench' AND experiment = 'checkout-test'").iterate() as Iterable<{ unit: string; first_at: number }>) {
      const held = first.get(row.unit);
      if (held === undefined || row.first_at < held) first.set(row.unit, row.first_at);
    }
    const perUnit = new Map<string, number>();
    for (const row of db.prepare("SELECT unit, ts, value FROM metric_events WHERE tenant = 'bench' AND environment = 'production' AND event = 'revenue'").iterate() as Iterable<{ unit: string; ts: number; value: number }>) {
      const at = first.get(row.unit);
      if (at !== undefined && row.ts >= at) perUnit.set(row.unit, (perUnit.get(row.unit) ?? 0) + row.value);
    }
    return perUnit.size;
  });
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    units: UNITS,
    events: EVENTS,
    resultsSeconds: whole.s,
    analyzedUnits: whole.value.units.analyzed,
    multipleVariantUnits: whole.value.units.multipleVariants,
    fullScanSeconds: scan.s,
    oneMetricInJsSeconds: inJs.s,
  };
}

// ---- 3. evaluation with the observer ---------------------------------------

function observerOverhead() {
  const n = quick ? 200_000 : 3_000_000;
  const withExperiment = STATE;
  const without: TenantState = { ...STATE, experiments: [] };
  delete without.experiments;
  const contexts = Array.from({ length: 100_000 }, (_, i) => ({ targetingKey: `user-${i}`, plan: i % 10 === 0 ? 'enterprise' : 'pro' }));
  const measure = (state: TenantState, observers: 'none' | 'metrics' | 'metrics+exposures') => {
    const index = new EvaluationIndex();
    index.load(state, 1);
    index.markReady();
    const snapshot = buildSnapshot(state, 'production', 1);
    const metrics = createMetrics();
    const recorder = new ExposureRecorder({ store: { recordExposures: async () => {}, recordAllocations: async () => {} } as never, index, flushMs: 1_000_000 });
    const list = observers === 'none' ? [] : observers === 'metrics' ? [metricsObserver(metrics)] : [metricsObserver(metrics), recorder.observer()];
    const observer = list.length === 0 ? undefined : composeObservers(list);
    const rounds: number[] = [];
    for (let round = 0; round < 5; round++) {
      const t = process.hrtime.bigint();
      for (let i = 0; i < n; i++) {
        const context = contexts[i % contexts.length]!;
        const result = evaluate(snapshot, 'checkout', context);
        observer?.observe({ snapshot, context, results: [result] });
      }
      rounds.push(Number(process.hrtime.bigint() - t) / n);
    }
    return median(rounds.slice(1));
  };
  const rows = {
    engineOnly: measure(without, 'none'),
    todaysObservers: measure(without, 'metrics'),
    exposureObserverNoExperiment: measure(without, 'metrics+exposures'),
    exposureObserverRunningExperiment: measure(withExperiment, 'metrics+exposures'),
  };
  return { evaluations: n, nsPerEvaluation: rows };
}

const root = projectRoot();
const machine = machineInfo();
const loadAtStart = os.loadavg();
console.log(`machine: ${describeMachine(machine)}`);
console.log(`load average at start: ${loadAtStart.map((l) => l.toFixed(2)).join(' ')} (1/5/15 min)`);
log('ingestion');
const ingest = await ingestion();
log('results');
const computed = await results();
log('observer');
const overhead = observerOverhead();

console.log(`\nMetric event ingestion: POST /v1/events on one server process (SQLite), ${ingest.concurrency} concurrent clients in the same process, batches of ${ingest.batch}`);
console.log(
  renderTable(
    [{ title: 'path' }, { title: 'events/s', align: 'right' }, { title: 'vs raw insert', align: 'right' }],
    [
      ['POST /v1/events (HTTP, schema, auth, idempotent insert)', formatInteger(ingest.httpEventsPerSecond), formatRatio(ingest.httpEventsPerSecond / ingest.sqliteEventsPerSecond)],
      ['better-sqlite3 INSERT, same rows and table (baseline)', formatInteger(ingest.sqliteEventsPerSecond), formatRatio(1)],
    ],
  ),
);
console.log(`\nResults computation: ${formatInteger(computed.units)} exposed units, ${formatInteger(computed.events)} events, two metrics (median of ${quick ? 1 : 3})`);
console.log(
  renderTable(
    [{ title: 'work' }, { title: 'time', align: 'right' }, { title: 'vs full scan', align: 'right' }],
    [
      ['GET results: per-unit SQL aggregation of both metrics + statistics', formatMs(computed.resultsSeconds * 1000), formatRatio(computed.resultsSeconds / computed.fullScanSeconds)],
      ['one metric read into JavaScript and aggregated there (avoided)', formatMs(computed.oneMetricInJsSeconds * 1000), formatRatio(computed.oneMetricInJsSeconds / computed.fullScanSeconds)],
      ['SELECT COUNT(*), SUM(value) over every event (baseline)', formatMs(computed.fullScanSeconds * 1000), formatRatio(1)],
    ],
  ),
);
const base = overhead.nsPerEvaluation.todaysObservers;
console.log(`\nEvaluation with the exposure observer (in process, ${formatInteger(overhead.evaluations)} evaluations per round, median of 4 rounds)`);
console.log(
  renderTable(
    [{ title: 'observers' }, { title: 'ns/evaluation', align: 'right' }, { title: 'vs today', align: 'right' }],
    [
      ['engine only', overhead.nsPerEvaluation.engineOnly.toFixed(0), formatRatio(overhead.nsPerEvaluation.engineOnly / base)],
      ['metrics (today, baseline)', base.toFixed(0), formatRatio(1)],
      ['metrics + exposures, tenant without experiments', overhead.nsPerEvaluation.exposureObserverNoExperiment.toFixed(0), formatRatio(overhead.nsPerEvaluation.exposureObserverNoExperiment / base)],
      ['metrics + exposures, running experiment on the flag', overhead.nsPerEvaluation.exposureObserverRunningExperiment.toFixed(0), formatRatio(overhead.nsPerEvaluation.exposureObserverRunningExperiment / base)],
    ],
  ),
);
process.stderr.write(`bench experiments: wrote ${writeResult(path.resolve(root, String(values.out)), 'experiments', machine, loadAtStart, { ingest, computed, overhead })}\n`);
console.log(`\nload average at end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
