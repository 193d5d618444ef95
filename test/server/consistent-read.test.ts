// readConsistentSnapshot, the one consistent reader of a tenant (GET /v1/state
// and the evaluation index's reload): a real commit lands between its
// statements, as another process's would, and the read is retried. On both
// stores (the matrix): PostgreSQL's reads run on pooled connections, so a
// torn read there is what a replica sees when another one commits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TenantState } from '../../core/model/index.js';
import { openStore, type OpenedStore } from '../../server/db/open-store.js';
import { replaceTenantState } from '../../server/features/state/replace-state.js';
import { readConsistentSnapshot } from '../../server/features/state/tenant-snapshot.js';
import type { Stores } from '../../server/stores.js';
import { createTestDatabase, storeMatrix, type TestDatabase } from '../support/postgres.js';
import { ALPHA } from './helpers/fixtures.js';

const FLAG = ALPHA.flags[0]!.key;
const descriptionOf = (state: TenantState) => state.flags.find((f) => f.key === FLAG)?.description;
const listener = { stateCommitted: () => {}, keysCommitted: () => {} };
const ctx = () => ({ actor: 'tester', source: 'api' as const, requestId: null, commit: null, now: new Date().toISOString() });
/** ALPHA with one flag described as `description`: each new description is a commit. */
const described = (description: string): TenantState => ({
  ...ALPHA,
  flags: ALPHA.flags.map((f) => (f.key === FLAG ? { ...f, description } : f)),
});

describe.each(storeMatrix())('readConsistentSnapshot ($store store)', ({ store }) => {
  let dir: string;
  let database: TestDatabase | undefined;
  let opened: OpenedStore;
  let stores: Stores;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ff-consistent-read-'));
    database = store === 'postgres' ? await createTestDatabase() : undefined;
    opened = openStore({ databaseUrl: database?.url ?? null, dbPath: path.join(dir, 'ff.db') }, pino({ level: 'silent' }));
    await opened.ready();
    stores = opened.stores;
    await replaceTenantState(stores, listener, ctx(), described('v1'), { allowDelete: true });
  });
  afterEach(async () => {
    await opened.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The stores, with a real commit (a new flag description) landing right after each of the next `tears` reads of the flags. */
  function racing(tears: number): Stores {
    let left = tears;
    const flags = new Proxy(stores.flags, {
      get(target, prop, receiver) {
        if (prop !== 'all') {
          const value: unknown = Reflect.get(target, prop, receiver);
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        }
        return async (tenant: string) => {
          const rows = await target.all(tenant);
          if (left > 0) {
            left--;
            await replaceTenantState(stores, listener, ctx(), described(`torn ${left}`), { allowDelete: true });
          }
          return rows;
        };
      },
    });
    return { ...stores, flags };
  }

  it('reads one revision when nothing races it', async () => {
    const { snapshot, consistent } = await readConsistentSnapshot(stores, 'alpha');
    expect(consistent).toBe(true);
    expect(snapshot.revision).toBe(1);
    expect(descriptionOf(snapshot.state)).toBe('v1');
  });

  it('retries a read a commit tore, and returns the revision it then read whole', async () => {
    const { snapshot, consistent } = await readConsistentSnapshot(racing(2), 'alpha');
    expect(consistent).toBe(true);
    expect(snapshot.revision).toBe(3);
    expect(descriptionOf(snapshot.state)).toBe('torn 0');
    expect(snapshot.row?.revision).toBe(3);
  });

  it('gives up after five torn attempts, saying so, with the last read', async () => {
    const { snapshot, consistent } = await readConsistentSnapshot(racing(5), 'alpha');
    expect(consistent).toBe(false);
    expect(snapshot.revision).toBe(5);
    expect((await stores.tenants.get('alpha'))?.revision).toBe(6);
  });

  it('reads an unknown tenant as an empty state at revision 0, without a row', async () => {
    const { snapshot, consistent } = await readConsistentSnapshot(stores, 'nobody');
    expect(consistent).toBe(true);
    expect(snapshot).toMatchObject({ row: undefined, revision: 0, state: { tenant: 'nobody', environments: [], flags: [], segments: [] } });
  });
});
