// On SQLite, experiment results are aggregated on a worker thread with its
// own read-only connection: a real server with a generated dataset large
// enough that the aggregation takes a while keeps answering evaluations
// while a results call is under way, the worker's figures equal those of the
// same query on the main connection, and a full queue or a timeout is a 503
// in the one error shape.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/open.js';
import type { TenantState } from '../../core/model/index.js';
import { FOREVER_MS, SqliteExperimentDataStore } from '../../server/features/experiments/experiment-data-store.js';
import { ResultsReader } from '../../server/features/experiments/results-reader.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const UNITS = 100_000;
const EVENTS = 500_000;
const START = Date.parse('2026-01-01T00:00:00Z');

const STATE: TenantState = {
  tenant: 'alpha',
  environments: [{ key: 'production' }],
  segments: [],
  flags: [
    {
      key: 'checkout',
      type: 'string',
      variants: { old: 'v1', new: 'v2' },
      offVariant: 'old',
      environments: { production: { enabled: true, default: { rollout: { old: 50, new: 50 } } } },
    },
  ],
  experiments: [
    {
      key: 'checkout-test',
      flag: 'checkout',
      environment: 'production',
      variants: ['old', 'new'],
      start: '2026-01-01',
      metrics: { primary: { event: 'purchase', type: 'conversion' }, guardrails: [{ event: 'revenue', type: 'mean' }] },
    },
  ],
};

/** Writes the dataset into a migrated file (one transaction, generated in SQL), once for every test. */
function generate(file: string): void {
  const db = openDatabase(file);
  db.transaction(() => {
    db.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
       INSERT INTO exposures (tenant, experiment, unit, variant, environment, revision, commit_sha, first_at, source)
       SELECT 'alpha', 'checkout-test', 'user-' || i, CASE WHEN i % 2 = 0 THEN 'old' ELSE 'new' END, 'production', 1, NULL, ? + (i * 7919) % 1209600000, 'server' FROM n`,
    ).run(UNITS, START);
    db.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
       INSERT INTO metric_events (tenant, id, environment, event, unit, value, ts, received_at)
       SELECT 'alpha', 'e-' || i, 'production', CASE WHEN i % 5 < 2 THEN 'revenue' ELSE 'purchase' END, 'user-' || ((i * 48271) % ?),
              CASE WHEN i % 5 < 2 THEN (i % 97) + 5 ELSE NULL END, ? + (i * 104729) % 1814400000, ? FROM n`,
    ).run(EVENTS, UNITS, START, START);
  })();
  db.exec('ANALYZE');
  // Everything in the main file, so a copy of it alone is the whole database.
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

let dir: string;
let template: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'ff-results-worker-'));
  template = path.join(dir, 'template.db');
  generate(template);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

let copies = 0;
/** A real server on its own copy of the dataset. */
async function start(env: Record<string, string> = {}): Promise<{ s: TestServer; key: string }> {
  const file = path.join(dir, `copy-${++copies}.db`);
  copyFileSync(template, file);
  const s = await startTestServer({ tenants: [STATE], env: { FF_EXPOSURE_FLUSH_MS: '600000', FF_DB_PATH: file, ...env } });
  server = s;
  const key = (await s.call('POST', '/v1/api-keys', { body: { name: 'web', environment: 'production' } })).json.key as string;
  return { s, key };
}

const RESULTS = '/v1/experiments/checkout-test/results';

describe('experiment results off the event loop (SQLite)', () => {
  it('evaluations are answered while a long results computation runs', async () => {
    const { s, key } = await start();
    let finished = false;
    const results = s.call('GET', RESULTS).finally(() => {
      finished = true;
    });
    // Sequential evaluations for as long as the results call is under way:
    // with the aggregation on this thread, none could be answered before it.
    let answeredMeanwhile = 0;
    while (!finished) {
      const r = await s.call('POST', '/v1/evaluate', { apiKey: key, body: { flag_key: 'checkout', context: { targetingKey: `u-${answeredMeanwhile}` } } });
      expect(r.status, r.text).toBe(200);
      if (!finished) answeredMeanwhile++;
    }
    const reply = await results;
    expect(reply.status, reply.text).toBe(200);
    // Plus what the evaluations above exposed before the results call flushed.
    expect(reply.json.units.analyzed).toBeGreaterThanOrEqual(UNITS);
    expect(answeredMeanwhile).toBeGreaterThanOrEqual(5);
  });

  it('the worker answers exactly what the query on the main connection does', async () => {
    const db = new Database(template, { readonly: true });
    const here = new SqliteExperimentDataStore(db);
    const reader = new ResultsReader(template, { maxQueue: 4, timeoutMs: 600_000 });
    try {
      for (const event of ['purchase', 'revenue', 'nothing']) {
        const q = { tenant: 'alpha', environment: 'production', experiment: 'checkout-test', start: START, stop: FOREVER_MS, event, windowMs: 3 * 86_400_000 };
        expect(await reader.metricSummary(q)).toEqual(here.metricSummary(q));
      }
    } finally {
      await reader.close();
      db.close();
    }
  });

  it('a full queue is a 503 in the one error shape, and evaluation goes on', async () => {
    const { s, key } = await start({ FF_RESULTS_QUEUE: '0' });
    const replies = await Promise.all([s.call('GET', RESULTS), s.call('GET', RESULTS)]);
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 503]);
    const refused = replies.find((r) => r.status === 503)!;
    expect(refused.json.error).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(refused.headers.get('retry-after')).toBe('5');
    const r = await s.call('POST', '/v1/evaluate', { apiKey: key, body: { flag_key: 'checkout', context: { targetingKey: 'u' } } });
    expect(r.status).toBe(200);
  });

  it('a computation past the timeout is a 503, and so is the next on a fresh worker', async () => {
    const { s } = await start({ FF_RESULTS_TIMEOUT_MS: '100' });
    const slow = await s.call('GET', RESULTS);
    expect(slow.status, slow.text).toBe(503);
    expect(slow.json.error).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect(slow.json.error.message).toMatch(/longer than 100 ms/);
    // The next call waits for the timed-out worker to end, then runs on a new one (and times out as well).
    const again = await s.call('GET', RESULTS);
    expect(again.status, again.text).toBe(503);
    expect(again.json.error.message).toMatch(/longer than 100 ms/);
  });
});
