// The database watch, in process but with real SQLite connections on a real
// file: a commit by ANOTHER connection is noticed through file events (or,
// when those are missing, by the slow safety net); the watching connection's
// own commits are not reported (they already swapped the index).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../server/db/open.js';
import { DataVersion } from '../../server/watch/data-version.js';
import { DbChangeWatcher, type CheckTrigger } from '../../server/watch/db-change-watcher.js';
import { until } from './helpers/poll.js';

describe('DbChangeWatcher', () => {
  let dir: string;
  let dbPath: string;
  let reader: Db;
  let writer: Db;
  let watcher: DbChangeWatcher | undefined;
  const reloads: { trigger: CheckTrigger; value: number }[] = [];
  const errors: unknown[] = [];

  const commit = (db: Db, value: number) => db.prepare('INSERT INTO probe (value) VALUES (?)').run(value);
  const latest = () => (reader.prepare('SELECT MAX(value) AS v FROM probe').get() as { v: number | null }).v ?? 0;
  const start = async (watchPath: string, safetyNetMs: number) => {
    watcher = new DbChangeWatcher({
      dbPath: watchPath,
      dataVersion: new DataVersion(reader),
      safetyNetMs,
      reload: async (trigger) => void reloads.push({ trigger, value: latest() }),
      onError: (err) => errors.push(err),
    });
    await watcher.start();
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ff-dbwatch-'));
    dbPath = path.join(dir, 'ff.db');
    reader = openDatabase(dbPath);
    reader.exec('CREATE TABLE probe (value INTEGER NOT NULL)');
    writer = openDatabase(dbPath);
    reloads.length = 0;
    errors.length = 0;
  });
  afterEach(async () => {
    await watcher?.stop();
    watcher = undefined;
    writer.close();
    reader.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('another connection’s commit is seen through a file event (safety net out of reach)', async () => {
    await start(dbPath, 600_000);
    commit(writer, 1);
    await until('a reload', () => reloads.find((r) => r.value === 1));
    expect(reloads.every((r) => r.trigger === 'fs_event')).toBe(true);
    expect(errors).toEqual([]);
  });

  it('a quick burst of commits ends with the last one loaded (the trailing check covers dropped events)', async () => {
    await start(dbPath, 600_000);
    for (let v = 1; v <= 20; v++) commit(writer, v);
    await until('the last commit', () => reloads.find((r) => r.value === 20));
  });

  it('its own connection’s commits are not reported', async () => {
    await start(dbPath, 600_000);
    commit(reader, 5);
    // A later commit by the other connection proves the watch is live; the first reload already sees 6.
    commit(writer, 6);
    const first = await until('a reload', () => reloads[0]);
    expect(first.value).toBe(6);
  });

  it('the safety net notices a commit no file event announced', async () => {
    // Watch another folder: no event will ever concern the real file.
    const elsewhere = path.join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    await start(path.join(elsewhere, 'other.db'), 100);
    commit(writer, 7);
    const reload = await until('the safety net', () => reloads.find((r) => r.value === 7));
    expect(reload.trigger).toBe('safety_net');
  });

  it('a failed reload is retried by the next check', async () => {
    let fail = true;
    watcher = new DbChangeWatcher({
      dbPath,
      dataVersion: new DataVersion(reader),
      safetyNetMs: 100,
      reload: async (trigger) => {
        if (fail) {
          fail = false;
          throw new Error('database busy');
        }
        reloads.push({ trigger, value: latest() });
      },
      onError: (err) => errors.push(err),
    });
    await watcher.start();
    commit(writer, 8);
    await until('the retried reload', () => reloads.find((r) => r.value === 8));
    expect(errors).toHaveLength(1);
  });
});
