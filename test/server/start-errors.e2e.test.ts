// Start-up on storage the server cannot use, with the built launcher
// (dist/server/main.js, built by the e2e global setup) as a real child
// process: one line on stderr that names the path and the errno, no stack
// trace, exit code 1. Every case is the real errno, produced on this machine:
// a read-only bind mount (EROFS), a folder this user cannot write (EACCES), a
// broken symbolic link (ENOENT), a file where the folder should be
// (ENOTDIR), a folder where the file should be (EISDIR). A case that cannot
// be produced here fails, saying why; none is skipped.
import { spawnSync, type SpawnSyncOptionsWithStringEncoding } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const main = path.join(repo, 'dist', 'server', 'main.js');
const isRoot = process.getuid?.() === 0;
/** The unprivileged user root runs the server as, so that permissions apply (root's writes ignore them). */
const NOBODY = 65534;

interface Outcome {
  status: number | null;
  stderr: string;
}

let work: string;
beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'ff-start-errors-'));
  // Traversable by the unprivileged user of the EACCES case.
  chmodSync(work, 0o755);
});
afterAll(() => {
  chmodSync(work, 0o755);
  rmSync(work, { recursive: true, force: true });
});

const env = (dbPath: string) => ({ PATH: process.env.PATH ?? '', FF_DEV: '1', FF_PORT: '0', FF_DB_PATH: dbPath, FF_SEED_DIR: path.join(work, 'none') });
const options = (dbPath: string, extra: Partial<SpawnSyncOptionsWithStringEncoding> = {}): SpawnSyncOptionsWithStringEncoding => ({
  env: env(dbPath),
  encoding: 'utf8',
  timeout: 60_000,
  ...extra,
});

const serve = (dbPath: string, extra: Partial<SpawnSyncOptionsWithStringEncoding> = {}): Outcome => spawnSync(process.execPath, [main, 'serve'], options(dbPath, extra));

/**
 * Serves with `folder` bind-mounted read-only over itself, in a mount
 * namespace of the child's own (root: `unshare -m`; anyone else: a user
 * namespace too, `unshare -rm`), so no mount outlives the test.
 */
function serveReadOnly(folder: string, dbPath: string): Outcome {
  const script = 'mount --bind -o ro "$0" "$0" || { echo "ff-test: cannot bind-mount read-only" >&2; exit 99; }; exec "$@"';
  const r = spawnSync('unshare', [isRoot ? '-m' : '-rm', 'sh', '-c', script, folder, process.execPath, main, 'serve'], options(dbPath));
  if (r.error !== undefined || r.status === 99) {
    throw new Error(`a read-only file system cannot be made here (unshare and mount --bind -o ro, from util-linux): ${r.error?.message ?? r.stderr}`);
  }
  return r;
}

/** Serves as a user for whom file permissions apply. */
function serveUnprivileged(dbPath: string): Outcome {
  return serve(dbPath, isRoot ? { uid: NOBODY, gid: NOBODY } : {});
}

function expectOneLine(r: Outcome, what: RegExp, code: string): void {
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr.split('\n'), r.stderr).toHaveLength(2);
  expect(r.stderr).toMatch(new RegExp(`^error: cannot open the database \\(FF_DB_PATH\\): ${what.source} \\[${code}\\]\\n$`));
  expect(r.status).toBe(1);
}

describe('server start-up on unusable storage', () => {
  it('a read-only file system (a new database): EROFS', () => {
    const folder = path.join(work, 'ro-empty');
    mkdirSync(folder);
    expectOneLine(serveReadOnly(folder, path.join(folder, 'ff.db')), /\S*ro-empty is on a read-only file system/, 'EROFS');
  });

  it('a read-only file system (a database folder still to be made): EROFS, not the ENOENT mkdir reports', () => {
    const folder = path.join(work, 'ro-parent');
    mkdirSync(folder);
    expectOneLine(serveReadOnly(folder, path.join(folder, 'data', 'ff.db')), /\S*ro-parent is on a read-only file system/, 'EROFS');
  });

  it('a read-only file system (an existing database): EROFS', () => {
    const folder = path.join(work, 'ro-existing');
    mkdirSync(folder);
    new Database(path.join(folder, 'ff.db')).close();
    expectOneLine(serveReadOnly(folder, path.join(folder, 'ff.db')), /\S*ro-existing is on a read-only file system/, 'EROFS');
  });

  it('a folder this user cannot write: EACCES', () => {
    const folder = path.join(work, 'not-mine');
    mkdirSync(folder);
    chmodSync(folder, 0o555);
    expectOneLine(serveUnprivileged(path.join(folder, 'ff.db')), /\S*not-mine is not writable by this user \(permission denied\)/, 'EACCES');
  });

  it('a database file this user cannot write: EACCES', () => {
    const folder = path.join(work, 'file-not-mine');
    mkdirSync(folder);
    chmodSync(folder, 0o777);
    const file = path.join(folder, 'ff.db');
    new Database(file).close();
    chmodSync(file, 0o444);
    expectOneLine(serveUnprivileged(file), /\S*file-not-mine\/ff\.db is not writable by this user \(permission denied\)/, 'EACCES');
  });

  it('a database folder under a broken symbolic link: ENOENT', () => {
    const link = path.join(work, 'dangling');
    symlinkSync(path.join(work, 'gone'), link);
    expectOneLine(serve(path.join(link, 'data', 'ff.db')), /\S*dangling\/data does not exist and cannot be created \(a broken symbolic link\?\)/, 'ENOENT');
  });

  it('a file where the database folder should be: ENOTDIR', () => {
    const file = path.join(work, 'not-a-folder');
    writeFileSync(file, '');
    expectOneLine(serve(path.join(file, 'data', 'ff.db')), /\S*not-a-folder is not a folder/, 'ENOTDIR');
  });

  it('a folder where the database file should be: EISDIR', () => {
    const dir = path.join(work, 'a-folder.db');
    mkdirSync(dir);
    expectOneLine(serve(dir), /\S*a-folder\.db is a folder, not a database file/, 'EISDIR');
  });

});
