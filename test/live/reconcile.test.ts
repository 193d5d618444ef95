// Watch mode's reconcile and commit reading, in process, on real folders, a
// real Git repository and a real SQLite file or PostgreSQL database (the matrix).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_COMMIT_MESSAGE } from '../../core/model/commit.js';
import { readCommit } from '../../git/read-commit.js';
import { openStore, type OpenedStore } from '../../server/db/open-store.js';
import { readTenantState } from '../../server/features/state/read-state.js';
import type { Stores } from '../../server/stores.js';
import { reconcileDirectory } from '../../server/watch/reconcile.js';
import { WatchStatus } from '../../server/watch/watch-status.js';
import { createTestDatabase, storeMatrix, type TestDatabase } from '../support/postgres.js';

const tenantYaml = (t: string) => `version: 1\ntenant: ${t}\nenvironments:\n  - key: production\n`;
const flagYaml = (key: string, on: boolean) =>
  `version: 1\nflags:\n  - key: ${key}\n    type: boolean\n    variants: { on: true, off: false }\n    offVariant: off\n    environments:\n      production:\n        enabled: ${on}\n`;
const noListener = { stateCommitted: () => {}, keysCommitted: () => {} };
const silent = pino({ level: 'silent' });

describe.each(storeMatrix())('reconcileDirectory ($store store)', ({ store }) => {
  let dir: string;
  let flags: string;
  let opened: OpenedStore;
  let database: TestDatabase | undefined;
  let stores: Stores;
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(flags, file)), { recursive: true });
    writeFileSync(path.join(flags, file), text);
  };
  const reconcile = () => reconcileDirectory({ stores, listener: noListener, dir: flags, readCommit });

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ff-reconcile-'));
    flags = path.join(dir, 'flags');
    database = store === 'postgres' ? await createTestDatabase() : undefined;
    opened = openStore({ databaseUrl: database?.url ?? null, dbPath: path.join(dir, 'ff.db') }, silent);
    await opened.ready();
    stores = opened.stores;
    write('alpha/tenant.yaml', tenantYaml('alpha'));
    write('alpha/flags.yaml', flagYaml('checkout', true));
    write('bravo/tenant.yaml', tenantYaml('bravo'));
    write('bravo/flags.yaml', flagYaml('search', true));
  });
  afterEach(async () => {
    await opened.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a plain folder (no Git) is applied as source seed by actor watch, without a commit, managed by files', async () => {
    const result = await reconcile();
    expect(result.commit).toBeNull();
    expect(result.tenants.map((t) => [t.tenant, t.outcome, t.revision])).toEqual([
      ['alpha', 'applied', 1],
      ['bravo', 'applied', 1],
    ]);
    const audit = await stores.audit.query('alpha', { limit: 10 });
    expect(audit.map((a) => [a.actor, a.source, a.key])).toEqual([['watch', 'seed', 'checkout'], ['watch', 'seed', 'production']]);
    const row = (await stores.flags.all('alpha'))[0];
    expect(row?.managedBy).toBe('git');
    const revision = (await stores.revisions.since('alpha', 0, 10))[0];
    expect(revision).toMatchObject({ actor: 'watch', source: 'seed', commit: null });
    // The same files again: nothing to do, no revision.
    expect((await reconcile()).tenants.map((t) => t.outcome)).toEqual(['unchanged', 'unchanged']);
    expect((await stores.tenants.get('alpha'))?.revision).toBe(1);
  });

  it('a Git checkout is applied as source git with its commit, recorded in the wire names without credentials, message capped', async () => {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
    git('init', '-q', '-b', 'trunk');
    git('config', 'user.name', 'Ada');
    git('config', 'user.email', 'ada@example.test');
    git('config', 'commit.gpgsign', 'false');
    git('remote', 'add', 'origin', 'https://bot:ghp_secret@example.test/flags.git?token=also_secret');
    git('add', '-A');
    const long = `subject\n\n${'b'.repeat(MAX_COMMIT_MESSAGE)}`;
    git('commit', '-q', '-m', long);
    const expected = {
      sha: git('rev-parse', 'HEAD'),
      author: 'Ada',
      email: 'ada@example.test',
      message: long.slice(0, MAX_COMMIT_MESSAGE),
      branch: 'trunk',
      remote_url: 'https://example.test/flags.git',
      committed_at: git('log', '-1', '--format=%cI'),
      dirty: false,
    };
    const result = await reconcile();
    expect(result.commit).toEqual(expected);
    expect((await stores.revisions.since('alpha', 0, 10))[0]).toMatchObject({ source: 'git', commit: expected });
    const audit = await stores.audit.query('alpha', { limit: 10 });
    expect(audit.map((a) => [a.source, a.commit])).toEqual([['git', expected], ['git', expected]]);
    expect(JSON.stringify(audit)).not.toContain('secret');
  });

  it('an error in one tenant’s files keeps that tenant; the others apply; deletions follow the files', async () => {
    await reconcile();
    write('alpha/flags.yaml', 'version: 1\nflags:\n  - key: checkout\n    type: boolean\n    variants: [oops\n');
    write('bravo/flags.yaml', flagYaml('search', false));
    const result = await reconcile();
    const alpha = result.tenants.find((t) => t.tenant === 'alpha');
    expect(alpha?.outcome).toBe('invalid');
    expect(alpha?.errors[0]?.file).toMatch(/alpha\/flags\.yaml$/);
    expect(alpha?.errors[0]?.line).toBeGreaterThan(0);
    expect(result.tenants.find((t) => t.tenant === 'bravo')).toMatchObject({ outcome: 'applied', revision: 2 });
    expect((await readTenantState(stores, 'alpha'))?.state.flags[0]?.environments?.production?.enabled).toBe(true);

    const status = new WatchStatus(flags);
    status.record(result);
    expect(status.view('alpha')).toMatchObject({ enabled: true, state: 'failed', consecutive_failures: 1 });
    expect(status.view('bravo')).toMatchObject({ state: 'ok' });
    expect(JSON.stringify(status.view('bravo'))).not.toContain('alpha/flags.yaml');
    expect(status.view('nobody')).toMatchObject({ enabled: true, state: 'absent' });
    expect(new WatchStatus(null).view('alpha')).toEqual({ enabled: false });

    // A flag removed from the files is deleted from the store.
    write('bravo/flags.yaml', 'version: 1\nflags: []\n');
    const after = await reconcile();
    expect(after.tenants.find((t) => t.tenant === 'bravo')).toMatchObject({ outcome: 'applied', changes: 1 });
    expect(await stores.flags.all('bravo')).toEqual([]);
  });

  it('an error no tenant owns blocks every tenant; a missing directory too', async () => {
    await reconcile();
    write('alpha/flags.yaml', flagYaml('checkout', false));
    const gone = await reconcileDirectory({ stores, listener: noListener, dir: path.join(dir, 'nowhere'), readCommit });
    expect(gone.repositoryErrors[0]?.code).toBe('REPO_NOT_FOUND');
    const status = new WatchStatus(flags);
    status.record(await reconcile());
    status.record(gone);
    expect(status.view('alpha')).toMatchObject({ state: 'failed', last_attempt: { outcome: 'blocked' } });
    expect((await stores.tenants.get('alpha'))?.revision).toBe(2);
  });
});
