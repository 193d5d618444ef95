// Experiments end to end on a real server, on each store: applied with the
// state (validated, planned, stored), exposures recorded from the evaluation
// routes (buffered, deduplicated), metric events ingested (idempotent,
// validated, size-limited) and results computed honestly: units that saw two
// variants and events before exposure are dropped and reported, and a change
// of allocation splits the results into periods.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Experiment, TenantState } from '../../core/model/index.js';
import { commit, postApply as postApplyAt, type ApplyCall } from './helpers/apply.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { storeMatrix } from '../support/postgres.js';

const EXPERIMENT: Experiment = {
  key: 'checkout-test',
  flag: 'checkout',
  environment: 'production',
  hypothesis: 'The new checkout converts better',
  variants: ['old', 'new'],
  start: '2026-01-01',
  minimumDetectableEffect: 0.1,
  metrics: { primary: { event: 'purchase', type: 'conversion' }, guardrails: [{ event: 'revenue', type: 'mean' }] },
};

const stateWith = (weights: { old: number; new: number }, experiments: Experiment[] = [EXPERIMENT]): TenantState => ({
  tenant: 'alpha',
  environments: [{ key: 'development' }, { key: 'production' }],
  segments: [],
  flags: [
    {
      key: 'checkout',
      type: 'string',
      variants: { old: 'v1', new: 'v2' },
      offVariant: 'old',
      environments: {
        production: { enabled: true, targets: { new: ['vip'] }, default: { rollout: weights } },
        development: { enabled: true, default: { variant: 'new' } },
      },
    },
  ],
  experiments,
});

/** Reads the database of a server that has closed (its own connection is gone). */
async function readClosed(t: TestServer, query: string): Promise<unknown[]> {
  if (t.config.databaseUrl !== null) {
    const client = new pg.Client({ connectionString: t.config.databaseUrl });
    await client.connect();
    try {
      return (await client.query(query)).rows;
    } finally {
      await client.end();
    }
  }
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(t.config.dbPath, { readonly: true });
  try {
    return db.prepare(query).all();
  } finally {
    db.close();
  }
}

describe.each(storeMatrix())('experiments on the $store store', ({ store }) => {
  let s: TestServer;

  /** POST /v1/apply at the server's current revision. */
  async function postApply(server: TestServer, state: TenantState, o: ApplyCall = {}) {
    const base = (await server.call('GET', '/v1/state/manifest')).json.revision as number;
    return postApplyAt(server, state, { base, ...o });
  }
  let prodKey: string;
  let devKey: string;
  const users = Array.from({ length: 400 }, (_, i) => `user-${i}`);

  async function evaluateAll(): Promise<Map<string, string>> {
    const served = new Map<string, string>();
    for (const u of users) {
      const r = await s.call('POST', '/v1/evaluate', { apiKey: prodKey, body: { flag_key: 'checkout', context: { targetingKey: u } } });
      served.set(u, r.json.variant);
    }
    return served;
  }

  beforeAll(async () => {
    s = await startTestServer({ env: { FF_EXPOSURE_FLUSH_MS: '60000' }, store });
    const applied = await postApply(s, stateWith({ old: 50, new: 50 }), { commit: commit('start the checkout experiment') });
    expect(applied.status, applied.text).toBe(200);
    prodKey = (await s.call('POST', '/v1/api-keys', { body: { name: 'web', environment: 'production' } })).json.key;
    devKey = (await s.call('POST', '/v1/api-keys', { body: { name: 'dev', environment: 'development' } })).json.key;
  });
  afterAll(async () => s?.close());

  describe('experiments as part of the state', () => {
    it('are stored and read back with the state, and planned like segments', async () => {
      const state = await s.call('GET', '/v1/state');
      expect(state.json.state.experiments).toEqual([EXPERIMENT]);
      expect(state.json.resources['experiment:checkout-test']).toMatchObject({ managed_by: 'git' });
      const manifest = await s.call('GET', '/v1/state/manifest');
      expect(Object.keys(manifest.json.experiments)).toEqual(['checkout-test']);
      const changed = { ...EXPERIMENT, hypothesis: 'Fewer steps, more purchases' };
      const plan = await postApply(s, stateWith({ old: 50, new: 50 }, [changed]), { dryRun: true });
      expect(plan.json.plan.changes).toMatchObject([{ action: 'update', resource: 'experiment', key: 'checkout-test', fields: [{ path: 'hypothesis' }] }]);
    });

    it('are refused when they do not sit on a split of their flag, naming the problem and where', async () => {
      const cases: [Experiment, string, string][] = [
        [{ ...EXPERIMENT, flag: 'chekout' }, 'EXPERIMENT_FLAG_UNKNOWN', '/flag'],
        [{ ...EXPERIMENT, environment: 'development' }, 'EXPERIMENT_NOT_A_SPLIT', '/flag'],
        [{ ...EXPERIMENT, unit: 'accountId' }, 'EXPERIMENT_UNIT_MISMATCH', '/unit'],
        [{ ...EXPERIMENT, variants: ['old', 'newer'] }, 'EXPERIMENT_VARIANT_UNKNOWN', '/variants/1'],
        [{ ...EXPERIMENT, stop: '2025-01-01' }, 'EXPERIMENT_TIME_INVALID', '/stop'],
      ];
      const before = await s.call('GET', '/v1/state/manifest');
      for (const [experiment, code, path] of cases) {
        const r = await postApply(s, stateWith({ old: 50, new: 50 }, [experiment]), { commit: commit('a broken experiment') });
        expect(r.status, code).toBe(422);
        expect(r.json.error.details).toContainEqual(expect.objectContaining({ code, resource: 'experiment', key: 'checkout-test', path }));
      }
      expect((await s.call('GET', '/v1/state/manifest')).json).toEqual(before.json);
    });
  });

  describe('exposures, events and results', () => {
    let first: Map<string, string>;
    let second: Map<string, string>;

    beforeAll(async () => {
      first = await evaluateAll();
      // Evaluated again: the same exposures, deduplicated.
      await evaluateAll();
      // Targets are not randomized: never an exposure.
      await s.call('POST', '/v1/evaluate', { apiKey: prodKey, body: { flag_key: 'checkout', context: { targetingKey: 'vip' } } });
      expect(s.app.ff.experiments.recorder.pending).toBe(users.length);
      await s.app.ff.experiments.recorder.flush();

      // Raise the treatment: some units move from old to new and have then seen both.
      expect((await postApply(s, stateWith({ old: 20, new: 80 }), { commit: commit('more traffic to the new checkout') })).status).toBe(200);
      second = await evaluateAll();
      await s.app.ff.experiments.recorder.flush();

      const events: Record<string, unknown>[] = [];
      users.forEach((u, i) => {
        // Treatment units convert twice as often.
        const converts = first.get(u) === 'new' ? i % 5 === 0 : i % 10 === 0;
        if (converts) events.push({ id: `p-${u}`, event: 'purchase', unit: u }, { id: `r-${u}`, event: 'revenue', unit: u, value: 20 + (i % 7) });
      });
      // Before any exposure: never counted.
      events.push({ id: 'early', event: 'purchase', unit: 'user-1', timestamp: new Date(Date.now() - 3_600_000).toISOString() });
      // From a unit never exposed.
      events.push({ id: 'stranger', event: 'purchase', unit: 'nobody' });
      const r = await s.call('POST', '/v1/events', { apiKey: prodKey, body: { events } });
      expect(r.status).toBe(202);
      expect(r.json).toEqual({ accepted: events.length, stored: events.length, duplicates: 0 });
      const again = await s.call('POST', '/v1/events', { apiKey: prodKey, body: { events: events.slice(0, 3) } });
      expect(again.json).toEqual({ accepted: 3, stored: 0, duplicates: 3 });
    }, 120_000);

    it('counts each unit once, excludes and reports the ones that saw both variants', async () => {
      const r = await s.call('GET', '/v1/experiments/checkout-test/results');
      expect(r.status).toBe(200);
      const moved = users.filter((u) => first.get(u) !== second.get(u));
      expect(moved.length).toBeGreaterThan(0);
      expect(moved.every((u) => first.get(u) === 'old' && second.get(u) === 'new')).toBe(true);
      expect(r.json.units).toEqual({ exposed: users.length, analyzed: users.length - moved.length, multipleVariants: moved.length });
      const primary = r.json.metrics[0];
      const byVariant = Object.fromEntries(primary.variants.map((v: { variant: string; units: number }) => [v.variant, v.units]));
      expect(byVariant.new).toBe(users.filter((u) => first.get(u) === 'new' || (first.get(u) === 'old' && second.get(u) === 'new' && false)).length);
      expect(byVariant.old + byVariant.new).toBe(users.length - moved.length);
      expect(primary.droppedEvents.beforeExposure).toBe(1);
      expect(primary.droppedEvents.notExposed).toBe(1);
      expect(primary.droppedEvents.multipleVariants).toBe(moved.filter((u) => Number(u.slice(5)) % 10 === 0).length);
      expect(r.json.warnings.some((w: string) => w.includes('more than one variant'))).toBe(true);
    });

    it('compares treatment with control: effect, 95% and always-valid intervals, p-values', async () => {
      const r = await s.call('GET', '/v1/experiments/checkout-test/results');
      const [primary, revenue] = r.json.metrics;
      expect(primary).toMatchObject({ role: 'primary', event: 'purchase', type: 'conversion' });
      const c = primary.comparisons[0];
      expect(c.variant).toBe('new');
      expect(c.test).toBe('two-proportion z-test');
      expect(c.effect).toBeGreaterThan(0);
      expect(c.interval.lower).toBeLessThan(c.effect);
      expect(c.sequentialInterval.upper - c.sequentialInterval.lower).toBeGreaterThan(c.interval.upper - c.interval.lower);
      expect(c.pValue).toBeGreaterThan(0);
      expect(revenue.comparisons[0].test).toBe("Welch's t-test");
    });

    it('splits the results by allocation period when the weights changed, each checked for sample-ratio mismatch', async () => {
      const r = await s.call('GET', '/v1/experiments/checkout-test/results');
      expect(r.json.periods).toHaveLength(2);
      expect(r.json.periods[0].weights).toEqual({ old: 50, new: 50 });
      expect(r.json.periods[1].weights).toEqual({ old: 20, new: 80 });
      expect(r.json.periods[0].commits).toHaveLength(1);
      expect(r.json.periods[0].units.exposed).toBe(users.length);
      expect(r.json.periods[0].srm.pValue).toBeGreaterThan(0.001);
      expect(r.json.warnings.some((w: string) => w.includes('allocation changed'))).toBe(true);
    });

    it('tags stored exposures with the revision and the Git commit that served them', async () => {
      const rows = (await s.sql('SELECT DISTINCT revision, commit_sha FROM exposures ORDER BY revision')) as { revision: number; commit_sha: string }[];
      expect(rows.length).toBe(2);
      for (const row of rows) expect(row.commit_sha).toMatch(/^[0-9a-f]{40}$/);
      expect(rows[0]?.commit_sha).not.toBe(rows[1]?.commit_sha);
    });
  });

  describe('POST /v1/events refuses bad input and changes nothing', () => {
    const count = async () => Number((await s.sql('SELECT COUNT(*) AS n FROM metric_events'))[0]?.n);

    it('a batch with one bad timestamp stores none of it', async () => {
      const before = await count();
      const r = await s.call('POST', '/v1/events', {
        apiKey: prodKey,
        body: { events: [{ id: 'ok-1', event: 'purchase', unit: 'u1' }, { id: 'bad', event: 'purchase', unit: 'u2', timestamp: 'yesterday' }] },
      });
      expect(r.status).toBe(422);
      expect(r.json.error.details).toEqual([expect.objectContaining({ code: 'TIMESTAMP_INVALID', path: '/events/1/timestamp' })]);
      const future = await s.call('POST', '/v1/events', { apiKey: prodKey, body: { events: [{ id: 'f', event: 'purchase', unit: 'u', timestamp: '2999-01-01T00:00:00Z' }] } });
      expect(future.json.error.details[0].code).toBe('TIMESTAMP_IN_FUTURE');
      expect(await count()).toBe(before);
    });

    it('validates the shape, the batch size and the body size', async () => {
      expect((await s.call('POST', '/v1/events', { apiKey: prodKey, body: { events: [] } })).status).toBe(422);
      expect((await s.call('POST', '/v1/events', { apiKey: prodKey, body: { events: [{ id: 'x', event: 'bad key!', unit: 'u' }] } })).status).toBe(422);
      expect((await s.call('POST', '/v1/events', { apiKey: prodKey, body: { events: [{ id: 'x', event: 'e', unit: 'u', extra: 1 }] } })).status).toBe(422);
      const many = Array.from({ length: 1001 }, (_, i) => ({ id: `m-${i}`, event: 'e', unit: 'u' }));
      expect((await s.call('POST', '/v1/events', { apiKey: prodKey, body: { events: many } })).status).toBe(422);
      const r = await s.call('POST', '/v1/events', { apiKey: prodKey, raw: JSON.stringify({ events: [{ id: 'big', event: 'e', unit: 'u'.repeat(2_000_000) }] }) });
      expect(r.status).toBe(413);
    });

    it('needs credentials for the tenant and environment', async () => {
      expect((await s.call('POST', '/v1/events', { token: null, body: { events: [{ id: 'a', event: 'e', unit: 'u' }] } })).status).toBe(401);
      // A key of one environment cannot send another's events.
      const other = await s.call('POST', '/v1/events', { apiKey: devKey, body: { environment: 'production', events: [{ id: 'a', event: 'e', unit: 'u' }] } });
      expect(other.status).toBe(403);
      // A token must name the environment.
      expect((await s.call('POST', '/v1/events', { body: { events: [{ id: 'a', event: 'e', unit: 'u' }] } })).status).toBe(400);
      const withToken = await s.call('POST', '/v1/events', { body: { environment: 'production', events: [{ id: 'tok-1', event: 'e', unit: 'u' }] } });
      expect(withToken.status).toBe(202);
    });
  });

  describe('POST /v1/exposures refuses bad input and records nothing', () => {
    const exposure = (unit: string, variant: string) => ({ experiment: 'checkout-test', flag: 'checkout', variant, unit });
    const upload = async (revision: number, exposures: ReturnType<typeof exposure>[]) => s.call('POST', '/v1/exposures', { apiKey: prodKey, body: { revision, exposures } });
    const current = async () => (await s.call('GET', '/v1/state/manifest')).json.revision as number;

    it('a variant the experiment does not compare refuses the whole batch, naming the item', async () => {
      const before = s.app.ff.experiments.recorder.pending;
      const r = await upload(await current(), [exposure('sdk-ok', 'new'), exposure('sdk-bogus', 'bogus')]);
      expect(r.status).toBe(422);
      expect(r.json.error.code).toBe('SCHEMA_VALIDATION_FAILED');
      expect(r.json.error.details).toEqual([expect.objectContaining({ code: 'EXPERIMENT_VARIANT_UNKNOWN', path: '/exposures/1/variant' })]);
      expect(s.app.ff.experiments.recorder.pending).toBe(before);
    });

    it('a revision newer than the server has refuses the batch', async () => {
      const before = s.app.ff.experiments.recorder.pending;
      const r = await upload((await current()) + 1, [exposure('sdk-ahead', 'new')]);
      expect(r.status).toBe(422);
      expect(r.json.error.details).toEqual([expect.objectContaining({ code: 'REVISION_UNKNOWN', path: '/revision' })]);
      // Every bad item is named at once, timestamps included.
      const both = await s.call('POST', '/v1/exposures', {
        apiKey: prodKey,
        body: { revision: (await current()) + 5, exposures: [{ ...exposure('sdk-x', 'bogus'), timestamp: 'yesterday' }] },
      });
      expect(both.json.error.details.map((d: { path: string }) => d.path)).toEqual(['/revision', '/exposures/0/variant', '/exposures/0/timestamp']);
      expect(s.app.ff.experiments.recorder.pending).toBe(before);
    });

    it('a revision the database has but this replica has not loaded yet is a retryable 503, not a refusal', async () => {
      // A replica a few milliseconds behind the one that fed the SDK: the
      // service is asked as if this process were still at the revision before.
      const before = s.app.ff.experiments.recorder.pending;
      const latest = await current();
      const behind = s.app.ff.experiments.service.uploadExposures('alpha', 'production', latest, latest - 1, [exposure('sdk-lag', 'new')]);
      await expect(behind).rejects.toMatchObject({ statusCode: 503, code: 'SERVICE_UNAVAILABLE', headers: { 'Retry-After': '1' } });
      expect(s.app.ff.experiments.recorder.pending).toBe(before);
      await expect(s.app.ff.experiments.service.uploadExposures('alpha', 'production', latest + 1, latest, [exposure('sdk-lag', 'new')])).rejects.toMatchObject({ statusCode: 422 });
    });

    it('accepts compared variants at the current or an older revision, and ignores experiments not running here', async () => {
      const before = s.app.ff.experiments.recorder.pending;
      const r = await upload((await current()) - 1, [exposure('sdk-ok', 'new'), { experiment: 'elsewhere', flag: 'checkout', variant: 'bogus', unit: 'sdk-other' }]);
      expect(r.status).toBe(202);
      expect(r.json).toEqual({ accepted: 1, ignored: 1 });
      expect(s.app.ff.experiments.recorder.pending).toBe(before + 1);
    });
  });

  describe('GET /v1/experiments/{key}/results', () => {
    it('is 404 for an unknown experiment and 403 for another tenant', async () => {
      expect((await s.call('GET', '/v1/experiments/nope/results')).status).toBe(404);
      const other = await s.token({ tenants: ['bravo'] });
      expect((await s.call('GET', '/v1/experiments/checkout-test/results', { token: other })).status).toBe(403);
      expect((await s.call('GET', '/v1/experiments/checkout-test/results', { apiKey: prodKey })).status).toBe(403);
    });
  });

  describe('retention', () => {
    it('keeps the exposures and metric events of a running experiment, however old, and prunes the rest by age', async () => {
      const old = Date.now() - 200 * 86_400_000;
      const insert = (experiment: string, unit: string) =>
        s.sql(`INSERT INTO exposures (tenant, experiment, unit, variant, environment, revision, commit_sha, first_at, source) VALUES ('alpha', $1, $2, 'old', 'production', 1, NULL, $3, 'server')`, [experiment, unit, old]);
      await insert('checkout-test', 'retention-early');
      await insert('removed-test', 'retention-gone');
      const event = (id: string, name: string) =>
        s.sql(`INSERT INTO metric_events (tenant, id, environment, event, unit, value, ts, received_at) VALUES ('alpha', $1, 'production', $2, 'retention-early', NULL, $3, $4)`, [id, name, old, old]);
      await event('retention-purchase', 'purchase');
      await event('retention-revenue', 'revenue');
      await event('retention-other', 'not-a-metric');
      // The running experiment's early unit and its metrics' events stay; the undeclared experiment's and the stray event go.
      expect(await s.app.ff.experiments.service.prune()).toEqual({ events: 1, exposures: 1 });
      const units = (await s.sql("SELECT unit FROM exposures WHERE unit LIKE 'retention-%' ORDER BY unit")).map((r) => r.unit);
      expect(units).toEqual(['retention-early']);
      const ids = (await s.sql("SELECT id FROM metric_events WHERE id LIKE 'retention-%' ORDER BY id")).map((r) => r.id);
      expect(ids).toEqual(['retention-purchase', 'retention-revenue']);
    });
  });

  describe('exposures from every evaluation route', () => {
    it('bulk and OFREP (single and bulk) record exposures too; preview, an explain, does not', async () => {
      const t = await startTestServer({ tenants: [stateWith({ old: 50, new: 50 })], env: { FF_EXPOSURE_FLUSH_MS: '60000' }, store });
      try {
        const key = (await t.call('POST', '/v1/api-keys', { body: { name: 'web', environment: 'production' } })).json.key;
        const ctx = (u: string) => ({ targetingKey: u });
        expect((await t.call('POST', '/v1/evaluate/bulk', { apiKey: key, body: { context: ctx('bulk-user') } })).status).toBe(200);
        expect((await t.call('POST', '/ofrep/v1/evaluate/flags/checkout', { apiKey: key, body: { context: ctx('ofrep-user') } })).status).toBe(200);
        expect((await t.call('POST', '/ofrep/v1/evaluate/flags', { apiKey: key, body: { context: ctx('ofrep-bulk-user') } })).status).toBe(200);
        expect((await t.call('POST', '/v1/evaluate/preview', { apiKey: key, body: { flag_key: 'checkout', context: ctx('preview-user') } })).status).toBe(200);
        expect(t.app.ff.experiments.recorder.pending).toBe(3);
        await t.app.ff.experiments.recorder.flush();
        const units = (await t.sql("SELECT unit FROM exposures WHERE source = 'server' ORDER BY unit")).map((r) => r.unit);
        expect(units).toEqual(['bulk-user', 'ofrep-bulk-user', 'ofrep-user']);
      } finally {
        await t.close();
      }
    });

    it('a shutdown writes what is still buffered', async () => {
      const t = await startTestServer({ tenants: [stateWith({ old: 50, new: 50 })], env: { FF_EXPOSURE_FLUSH_MS: '60000' }, store });
      const key = (await t.call('POST', '/v1/api-keys', { body: { name: 'web', environment: 'production' } })).json.key;
      await t.call('POST', '/v1/evaluate', { apiKey: key, body: { flag_key: 'checkout', context: { targetingKey: 'last-user' } } });
      await t.app.close();
      expect(await readClosed(t, 'SELECT unit FROM exposures')).toEqual([{ unit: 'last-user' }]);
      await t.close().catch(() => undefined);
    });
  });
});
