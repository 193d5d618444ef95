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

  // docs/api.md: a plan compares environments by key; the stored order is the first declaration's.
  it('a later reorder of existing environments is no change; a new one goes after them', async () => {
    const reordered = withOrder(['development', 'qa', 'production', 'staging']);
    const plan = (await s.call('POST', '/v1/plan', { body: { state: reordered } })).json.plan;
    expect(plan.changes.map((c: { action: string; key: string }) => `${c.action} ${c.key}`)).toEqual(['create qa']);
    const base = (await s.call('GET', '/v1/state')).json.revision as number;
    const applied = await s.call('POST', '/v1/apply', { body: { state: reordered, base_revision: base, commit: { sha: 'a'.repeat(40) } } });
    expect(applied.status, applied.text).toBe(200);
    const state = (await s.call('GET', '/v1/state')).json.state as TenantState;
    expect(state.environments.map((e) => e.key)).toEqual(['production', 'staging', 'development', 'qa']);
  });
});
