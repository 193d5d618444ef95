// Environments keep their declaration order: the plan lists changes by key,
// but a tenant's new environments are stored, served and indexed in the order
// its files declare them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TenantState } from '../../core/model/index.js';
import { ALPHA } from './helpers/fixtures.js';
import { startTestServer, type TestServer } from './helpers/server.js';
import { storeMatrix } from '../support/postgres.js';

const withOrder = (keys: string[]): TenantState => ({
  ...structuredClone(ALPHA),
  environments: keys.map((key) => ALPHA.environments.find((e) => e.key === key) ?? { key }),
});

describe.each(storeMatrix())('$store: environment declaration order', ({ store }) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ tenants: [withOrder(['production', 'staging', 'development'])], store });
  });
  afterAll(async () => s.close());

  it('GET /v1/state returns them as declared, not sorted', async () => {
    const state = (await s.call('GET', '/v1/state')).json.state as TenantState;
    expect(state.environments.map((e) => e.key)).toEqual(['production', 'staging', 'development']);
  });

  it('the evaluation config lists them as declared too', async () => {
    const entry = s.app.ff.index.entry('alpha');
    expect(entry?.state.environments.map((e) => e.key)).toEqual(['production', 'staging', 'development']);
  });

  it('a later reorder of the files is a planned change, applied, served and stored in the new order', async () => {
    const reordered = withOrder(['development', 'qa', 'production', 'staging']);
    const plan = (await s.call('POST', '/v1/plan', { body: { state: reordered } })).json.plan;
    // Among the kept three, development moved from 2 to 0 and the others down one; qa is new (it goes last among the new).
    const moves = plan.changes.map((c: { action: string; key: string; fields: { path: string; before?: unknown; after?: unknown }[] }) =>
      `${c.action} ${c.key}${c.fields.filter((f) => f.path === 'position').map((f) => ` ${String(f.before)}→${String(f.after)}`).join('')}`,
    );
    expect(moves).toEqual(['update development 2→0', 'update production 0→1', 'create qa', 'update staging 1→2']);
    const base = (await s.call('GET', '/v1/state')).json.revision as number;
    const applied = await s.call('POST', '/v1/apply', { body: { state: reordered, base_revision: base, commit: { sha: 'a'.repeat(40) } } });
    expect(applied.status, applied.text).toBe(200);
    const order = ['development', 'qa', 'production', 'staging'];
    expect(((await s.call('GET', '/v1/state')).json.state as TenantState).environments.map((e) => e.key)).toEqual(order);
    expect(s.app.ff.index.entry('alpha')?.state.environments.map((e) => e.key)).toEqual(order);
    // Stored so: a reload from the database lists them the same way, and the same files again are no change.
    await s.app.ff.refreshFromDatabase();
    expect(s.app.ff.index.entry('alpha')?.state.environments.map((e) => e.key)).toEqual(order);
    expect((await s.call('POST', '/v1/plan', { body: { state: reordered } })).json.plan.changes).toEqual([]);
  });

  it('a removed environment alone is no reorder', async () => {
    const fewer = withOrder(['development', 'production', 'staging']);
    const plan = (await s.call('POST', '/v1/plan', { body: { state: fewer } })).json.plan;
    expect(plan.changes.map((c: { action: string; key: string }) => `${c.action} ${c.key}`)).toEqual(['delete qa']);
  });
});
