import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALPHA } from './helpers/fixtures.js';
import { createTestDatabase, storeMatrix, type TestDatabase } from '../support/postgres.js';
import { startTestServer, type TestServer } from './helpers/server.js';

// Two apps on ONE database (a SQLite file, or a PostgreSQL database), as two
// processes or replicas would be. The live index's watcher (file events,
// or LISTEN/NOTIFY) decides when to refresh; this checks what it calls.
describe.each(storeMatrix())('two servers sharing one $store database', ({ store }) => {
  let a: TestServer;
  let b: TestServer;
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = store === 'postgres' ? await createTestDatabase() : undefined;
    a = await startTestServer({ tenants: [ALPHA], store, ...(database ? { database } : {}) });
    b = await startTestServer({ env: { FF_DB_PATH: a.config.dbPath }, store, ...(database ? { database } : {}) });
  });
  afterAll(async () => {
    await b.close();
    await a.close();
    await database?.drop();
  });

  const evaluate = (s: TestServer, apiKey?: string) =>
    s.call('POST', '/v1/evaluate', {
      ...(apiKey ? { apiKey, tenant: null } : {}),
      body: { flag_key: 'banner-text', ...(apiKey ? {} : { environment: 'production' }), context: {} },
    });

  it('the second server loads the state at start-up', async () => {
    expect((await evaluate(b)).json).toMatchObject({ value: 'Sale now on', revision: 1 });
  });

  it('a write through one is served by the other after refreshFromDatabase(), keys included', async () => {
    const current = await a.call('GET', '/v1/flags/banner-text');
    const doc = { ...current.json.data, environments: { production: { enabled: false } } };
    expect((await a.call('PUT', '/v1/flags/banner-text', { body: doc, headers: { 'if-match': current.headers.get('etag') as string } })).status).toBe(200);
    const key = (await a.call('POST', '/v1/api-keys', { body: { name: 'shared', environment: 'production' } })).json.key as string;

    // Not yet: B's index is its own.
    expect((await evaluate(b)).json.revision).toBe(1);
    expect((await evaluate(b, key)).status).toBe(401);

    const report = await b.app.ff.refreshFromDatabase();
    expect(report).toEqual({ state: ['alpha'], keys: ['alpha'] });
    expect((await evaluate(b)).json).toMatchObject({ value: 'Welcome', reason: 'DISABLED', revision: 2 });
    expect((await evaluate(b, key)).status).toBe(200);
    // Nothing changed since: nothing is reloaded.
    expect(await b.app.ff.refreshFromDatabase()).toEqual({ state: [], keys: [] });
  });

  it('a revocation through one is honoured by the other after a refresh', async () => {
    const created = (await a.call('POST', '/v1/api-keys', { body: { name: 'revoke-me', environment: 'production' } })).json;
    await b.app.ff.refreshFromDatabase();
    expect((await evaluate(b, created.key)).status).toBe(200);
    await a.call('DELETE', `/v1/api-keys/${created.id}`);
    await b.app.ff.refreshFromDatabase();
    expect((await evaluate(b, created.key)).status).toBe(401);
  });
});
