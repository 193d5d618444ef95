// The SQLite stores share ONE better-sqlite3 connection while the services
// await between statements. These tests interleave concurrent transactions
// and reads on purpose (timers inside open transactions) and check that no
// statement of another call chain joins an open transaction and no read sees
// a row that is not committed yet.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database as Db } from 'better-sqlite3';
import { openDatabase } from '../../server/db/open.js';
import { createStores, type Stores } from '../../server/stores.js';

const T0 = '2026-01-01T00:00:00.000Z';

describe('SQLite stores under concurrent async callers', () => {
  let dir: string;
  let db: Db;
  let stores: Stores;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ff-gate-'));
    db = openDatabase(path.join(dir, 'ff.db'));
    stores = createStores(db);
    await stores.tenants.ensure('alpha', T0);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a read from another request while a transaction is open waits for it, and never sees what then rolls back', async () => {
    const events: string[] = [];
    const doomed = stores
      .transaction(async () => {
        await stores.tenants.bumpRevision('alpha', T0);
        events.push('bumped');
        await sleep(30); // another request's continuation runs here
        throw new Error('rolled back');
      })
      .catch(() => events.push('rolled back'));
    await sleep(5);
    expect(events).toEqual(['bumped']);
    const read = stores.tenants.get('alpha').then((row) => {
      events.push(`read ${row?.revision}`);
      return row;
    });
    await Promise.all([doomed, read]);
    expect(events).toEqual(['bumped', 'rolled back', 'read 0']);
    expect((await stores.tenants.get('alpha'))?.revision).toBe(0);
  });

  it("another request's write does not join an open transaction: it survives that transaction's rollback", async () => {
    const doomed = stores.transaction(async () => {
      await stores.tenants.ensure('doomed', T0);
      await sleep(30);
      throw new Error('rolled back');
    });
    await sleep(5);
    const other = stores.transaction(async () => stores.tenants.ensure('kept', T0));
    const single = stores.tenants.setName('alpha', 'Alpha', T0); // a write outside any transaction
    await expect(doomed).rejects.toThrow('rolled back');
    await other;
    await single;
    expect((await stores.tenants.list()).map((t) => [t.key, t.name])).toEqual([
      ['alpha', 'Alpha'],
      ['kept', null],
    ]);
  });

  it('concurrent read-check-write transactions are serialized: every increment lands once, in order', async () => {
    const seen: number[] = [];
    const writers = Array.from({ length: 20 }, (_, i) =>
      stores.transaction(async () => {
        const before = (await stores.tenants.get('alpha'))!.revision;
        await sleep(i % 3); // yield mid-transaction, to timers and other requests
        await new Promise((resolve) => setImmediate(resolve));
        const after = await stores.tenants.bumpRevision('alpha', T0);
        expect(after).toBe(before + 1);
        seen.push(after);
      }),
    );
    // Readers interleaved with the writers only ever see committed revisions, never going back.
    const observed: number[] = [];
    const readers = Array.from({ length: 20 }, async (_, i) => {
      await sleep(i);
      observed.push((await stores.tenants.get('alpha'))!.revision);
    });
    await Promise.all([...writers, ...readers]);
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect((await stores.tenants.get('alpha'))?.revision).toBe(20);
    expect(observed.every((r) => r >= 0 && r <= 20)).toBe(true);
  });

  it('afterCommit callbacks run after COMMIT, before the transaction resolves; a nested failure drops only its own', async () => {
    const order: string[] = [];
    await stores.transaction(async () => {
      await stores.tenants.bumpRevision('alpha', T0);
      await expect(
        stores.transaction(async () => {
          await stores.tenants.bumpRevision('alpha', T0);
          stores.afterCommit(() => void order.push('inner'));
          throw new Error('inner');
        }),
      ).rejects.toThrow('inner');
      stores.afterCommit(async () => {
        await sleep(5);
        order.push(`outer sees ${(await stores.tenants.get('alpha'))?.revision}`);
      });
      order.push('body done');
    });
    order.push('resolved');
    expect(order).toEqual(['body done', 'outer sees 1', 'resolved']);
  });

  it('a read transaction sees one state across its awaits while writers queue behind it', async () => {
    const snapshot = stores.read(async () => {
      const first = (await stores.tenants.get('alpha'))!.revision;
      await sleep(20);
      const second = (await stores.tenants.get('alpha'))!.revision;
      return [first, second];
    });
    await sleep(5);
    const write = stores.transaction(async () => stores.tenants.bumpRevision('alpha', T0));
    expect(await snapshot).toEqual([0, 0]);
    expect(await write).toBe(1);
  });
});
