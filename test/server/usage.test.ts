// Usage end to end through the server: evaluations counted in memory by the
// usage observer, flushed to the usage table (on demand, periodically and at
// shutdown), several processes adding up, and what GET /v1/usage, GET
// /v1/flags and /metrics answer.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { openDatabase } from '../../server/db/open.js';
import { openStore } from '../../server/db/open-store.js';
import { UsageRecorder } from '../../server/features/usage/usage-recorder.js';
import { mergeIncrements, type UsageIncrement, type UsageStore } from '../../server/features/usage/usage-store.js';
import { createStores } from '../../server/stores.js';
import { ALPHA, BRAVO } from './helpers/fixtures.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { createTestDatabase, storeMatrix } from '../support/postgres.js';

const evaluate = (s: TestServer, flag: string, environment = 'production', user = 'u1') =>
  s.call('POST', '/v1/evaluate', { token: s.adminToken, body: { flag_key: flag, environment, context: { targetingKey: user } } });

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.each(storeMatrix())('usage through the server on the $store store', ({ store }) => {
  describe('usage: counted on evaluation, flushed in the background', () => {
    let s: TestServer;
    beforeAll(async () => {
      // A flush far away: this suite flushes by hand (and at close).
      s = await startTestServer({ tenants: [ALPHA, BRAVO], env: { FF_USAGE_FLUSH_MS: '600000' }, store });
    });
    afterAll(async () => s.close());

    it('counts every served evaluation per flag and environment; GET /v1/usage, GET /v1/flags and GET /v1/flags/{key} show it after a flush', async () => {
      for (let i = 0; i < 3; i++) expect((await evaluate(s, 'new-checkout', 'production', `u${i}`)).status).toBe(200);
      expect((await evaluate(s, 'new-checkout', 'development')).status).toBe(200);
      // Bulk counts each flag it answers; an unknown listed key counts for nothing.
      const bulk = await s.call('POST', '/v1/evaluate/bulk', { body: { environment: 'production', context: { targetingKey: 'u9' }, flag_keys: ['banner-text', 'nope'] } });
      expect(bulk.status).toBe(200);
      expect((await evaluate(s, 'no-such-flag')).status).toBe(404);
      // Nothing is written on the request's path.
      expect((await s.call('GET', '/v1/usage')).json.flags).toEqual({});

      await s.app.ff.usage.flush();
      const usage = await s.call('GET', '/v1/usage');
      expect(usage.status).toBe(200);
      expect(usage.json).toMatchObject({ tenant: 'alpha', days: 30 });
      expect(Object.keys(usage.json.flags).sort()).toEqual(['banner-text', 'new-checkout']);
      const checkout = usage.json.flags['new-checkout'];
      expect(checkout.evaluations).toBe(4);
      expect(checkout.environments.production.evaluations).toBe(3);
      expect(checkout.environments.development.evaluations).toBe(1);
      expect(Date.now() - Date.parse(checkout.last_evaluated_at)).toBeLessThan(3_600_000);
      expect(usage.json.flags['banner-text']).toMatchObject({ evaluations: 1, environments: { production: { evaluations: 1 } } });
      // ?daily=true adds each UTC day's count per environment; without it there is none.
      expect(checkout.environments.production.daily).toBeUndefined();
      const today = new Date().toISOString().slice(0, 10);
      const daily = await s.call('GET', '/v1/usage?daily=true');
      expect(daily.json.flags['new-checkout'].environments).toEqual({
        production: { ...checkout.environments.production, daily: { [today]: 3 } },
        development: { ...checkout.environments.development, daily: { [today]: 1 } },
      });
      expect((await s.call('GET', '/v1/usage?daily=maybe')).status).toBe(400);

      const flags = await s.call('GET', '/v1/flags');
      const byKey = Object.fromEntries(flags.json.items.map((i: { data: { key: string }; usage: unknown }) => [i.data.key, i.usage]));
      expect(byKey['new-checkout']).toEqual(checkout);
      // A flag never evaluated says so, in the same shape.
      expect(byKey['max-items']).toEqual({ last_evaluated_at: null, evaluations: 0, environments: {} });
      // The one flag's GET carries the same usage (the console's flag page reads it), its ETag unchanged by it.
      const one = await s.call('GET', '/v1/flags/new-checkout');
      expect(one.json.usage).toEqual(checkout);
      expect(one.headers.get('etag')).toBe(`"${one.json.meta.revision}"`);
      expect((await s.call('GET', '/v1/flags/max-items')).json.usage).toEqual({ last_evaluated_at: null, evaluations: 0, environments: {} });

      const metrics = await s.call('GET', '/metrics', { token: null, tenant: null });
      expect(metrics.text).toContain('ff_flag_evaluations_total{tenant="alpha",environment="production",flag="new-checkout"} 3');
      expect(metrics.text).toMatch(/ff_usage_flushes_total\{result="ok"\} [1-9]/);
    });

    it('OFREP evaluations count too, and a later flush adds to the same day', async () => {
      const key = (await s.call('POST', '/v1/api-keys', { body: { name: 'ofrep', environment: 'production' } })).json.key as string;
      const r = await s.call('POST', '/ofrep/v1/evaluate/flags/new-checkout', { apiKey: key, tenant: null, body: { context: { targetingKey: 'o1' } } });
      expect(r.status).toBe(200);
      await s.app.ff.usage.flush();
      const usage = await s.call('GET', '/v1/usage');
      expect(usage.json.flags['new-checkout'].environments.production.evaluations).toBe(4);
    });

    it('tenants see only their own usage; bad windows and missing scopes are refused', async () => {
      const bravo = await s.token({ tenants: ['bravo'], scopes: ['flags:read'] });
      const other = await s.call('GET', '/v1/usage', { token: bravo, tenant: 'bravo' });
      expect(other.status).toBe(200);
      expect(other.json.flags['new-checkout']).toBeUndefined();
      expect((await s.call('GET', '/v1/usage', { token: bravo, tenant: 'alpha' })).status).toBe(403);
      const evalOnly = await s.token({ tenants: ['alpha'], scopes: ['evaluate'] });
      expect((await s.call('GET', '/v1/usage', { token: evalOnly })).status).toBe(403);
      expect((await s.call('GET', '/v1/usage', { token: null })).status).toBe(401);
      const plan = await s.token({ tenants: ['alpha'], scopes: ['plan'] });
      expect((await s.call('GET', '/v1/usage?days=7', { token: plan })).status).toBe(200);
      for (const bad of ['0', '366', 'soon']) {
        const r = await s.call('GET', `/v1/usage?days=${bad}`);
        expect(r.status).toBe(400);
        expect(r.json.error.code).toBe('BAD_REQUEST');
      }
    });
  });

  describe('usage: periodic and shutdown flushes, several processes', () => {
    it('flushes every FF_USAGE_FLUSH_MS without being asked', async () => {
      const s = await startTestServer({ tenants: [ALPHA], env: { FF_USAGE_FLUSH_MS: '50' }, store });
      try {
        await evaluate(s, 'new-checkout');
        const usage = await until(
          () => s.call('GET', '/v1/usage'),
          (r) => r.json.flags['new-checkout'] !== undefined,
        );
        expect(usage.json.flags['new-checkout'].evaluations).toBe(1);
      } finally {
        await s.close();
      }
    });

    it('two processes on one database add up, and each flushes what is left when it closes', async () => {
      const database = store === 'postgres' ? await createTestDatabase() : undefined;
      const a = await startTestServer({ tenants: [ALPHA], env: { FF_USAGE_FLUSH_MS: '600000' }, store, ...(database ? { database } : {}) });
      const dbPath = a.config.dbPath;
      const b = await startTestServer({ env: { FF_DB_PATH: dbPath, FF_USAGE_FLUSH_MS: '600000' }, store, ...(database ? { database } : {}) });
      try {
        await b.app.ff.loadIndexes();
        for (let i = 0; i < 5; i++) await evaluate(a, 'new-checkout');
        for (let i = 0; i < 7; i++) await evaluate(b, 'new-checkout');
        await a.app.ff.usage.flush();
        await b.app.close(); // the shutdown flush
        const usage = await a.call('GET', '/v1/usage');
        expect(usage.json.flags['new-checkout'].environments.production.evaluations).toBe(12);
        await evaluate(a, 'new-checkout');
      } finally {
        await a.app.close();
      }
      const opened = openStore({ databaseUrl: database?.url ?? null, dbPath }, pino({ level: 'silent' }));
      try {
        await opened.ready();
        const rows = await opened.stores.usage.summary('alpha', '2000-01-01');
        expect(rows.find((r) => r.flag === 'new-checkout' && r.environment === 'production')?.count).toBe(13);
      } finally {
        await opened.close();
        await database?.drop();
      }
    });
  });
});

describe('UsageRecorder', () => {
  const snapshot = (tenant: string, environment: string) => ({ tenant, environment }) as never;
  const served = (snap: never, ...flags: string[]) => ({ snapshot: snap, context: {}, results: flags.map((flagKey) => ({ flagKey, value: true, variant: 'on', reason: 'STATIC' })) as never });

  it('purges days past the retention once a UTC day, after a flush', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ff-usage-retention-'));
    const db = openDatabase(path.join(dir, 'ff.db'));
    try {
      const store = createStores(db).usage;
      await store.add([
        { tenant: 'acme', environment: 'production', flag: 'old', day: '2026-01-01', count: 1, lastAt: '2026-01-01T00:00:00.000Z' },
        { tenant: 'acme', environment: 'production', flag: 'kept', day: '2026-04-01', count: 1, lastAt: '2026-04-01T00:00:00.000Z' },
      ]);
      let now = Date.parse('2026-05-01T12:00:00.000Z');
      const recorder = new UsageRecorder({ store, flushMs: 1000, now: () => now, retentionDays: 100 });
      await recorder.flush(); // nothing counted: nothing written, nothing purged
      expect((await store.summary('acme', '2000-01-01')).map((r) => r.flag)).toEqual(['kept', 'old']);
      recorder.observe(served(snapshot('acme', 'production'), 'new'));
      await recorder.flush();
      // 100 days up to 2026-05-01 start on 2026-01-22.
      expect((await store.summary('acme', '2000-01-01')).map((r) => r.flag)).toEqual(['kept', 'new']);
      await store.add([{ tenant: 'acme', environment: 'production', flag: 'old', day: '2026-01-01', count: 1, lastAt: '2026-01-01T00:00:00.000Z' }]);
      recorder.observe(served(snapshot('acme', 'production'), 'new'));
      await recorder.flush(); // the same day: no second purge
      expect((await store.summary('acme', '2000-01-01')).map((r) => r.flag)).toContain('old');
      now += 86_400_000;
      recorder.observe(served(snapshot('acme', 'production'), 'new'));
      await recorder.stop();
      expect((await store.summary('acme', '2000-01-01')).map((r) => r.flag)).not.toContain('old');
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('splits counts at midnight UTC, and keeps the counts of a failed flush for the next one', async () => {
    const written: UsageIncrement[][] = [];
    let fail = true;
    const store: UsageStore = {
      add: async (batch) => {
        if (fail) throw new Error('database is locked');
        written.push(mergeIncrements(batch));
      },
      summary: async () => [],
      days: async () => [],
      purge: async () => 0,
    };
    let now = Date.parse('2026-05-01T23:59:59.000Z');
    const failures: unknown[] = [];
    const recorder = new UsageRecorder({ store, flushMs: 1000, now: () => now, failed: (e) => failures.push(e) });
    const prod = snapshot('acme', 'production');
    recorder.observe(served(prod, 'a', 'b'));
    recorder.observe(served(prod, 'a'));
    now = Date.parse('2026-05-02T00:00:01.000Z');
    recorder.observe(served(prod, 'a'));
    recorder.observe(served(snapshot('acme', 'staging'), 'a'));
    await recorder.flush();
    expect(failures).toHaveLength(1);
    expect(written).toEqual([]);
    fail = false;
    recorder.observe(served(prod, 'a'));
    await recorder.stop();
    const rows = written.flat().map((i) => [i.environment, i.flag, i.day, i.count, i.lastAt]);
    expect(rows.sort()).toEqual([
      ['production', 'a', '2026-05-01', 2, '2026-05-01T23:59:59.000Z'],
      ['production', 'a', '2026-05-02', 2, '2026-05-02T00:00:01.000Z'],
      ['production', 'b', '2026-05-01', 1, '2026-05-01T23:59:59.000Z'],
      ['staging', 'a', '2026-05-02', 1, '2026-05-02T00:00:01.000Z'],
    ]);
    // Nothing left: another flush writes nothing.
    await recorder.flush();
    expect(written).toHaveLength(1);
  });
});
