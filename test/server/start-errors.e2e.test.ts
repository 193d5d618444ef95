// Start-up on storage the server cannot use: one line that says what failed,
// no stack trace, exit code 1 (a real child process).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transpileDir, transpileTree } from './helpers/transpile.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('server start-up on unusable storage', () => {
  let build: string;
  let work: string;
  let main: string;
  beforeAll(() => {
    build = transpileDir(repo, 'ff-start-errors-');
    transpileTree(repo, ['server', 'core', 'git'], build);
    main = path.join(build, 'server', 'main.js');
    work = mkdtempSync(path.join(tmpdir(), 'ff-start-errors-'));
  });
  afterAll(() => {
    rmSync(build, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  const serve = (dbPath: string) =>
    spawnSync(process.execPath, [main, 'serve'], {
      env: { PATH: process.env.PATH ?? '', FF_DEV: '1', FF_PORT: '0', FF_DB_PATH: dbPath, FF_SEED_DIR: path.join(work, 'none') },
      encoding: 'utf8',
      timeout: 60_000,
    });

  // Tests run as root, for whom permissions do not stop a write, and a
  // read-only mount cannot be made here: a file where the database folder
  // should be fails in mkdir the same way (EROFS/EACCES take the same path).
  it('a database folder that cannot be created: one line, no stack', () => {
    const file = path.join(work, 'not-a-folder');
    writeFileSync(file, '');
    const r = serve(path.join(file, 'data', 'ff.db'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: cannot open the database \(FF_DB_PATH\): .*not-a-folder.* \[ENOTDIR\]\n$/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a database path SQLite cannot open: one line, no stack', () => {
    const dir = path.join(work, 'a-folder.db');
    mkdirSync(dir);
    const r = serve(dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: cannot open the database \(FF_DB_PATH\): .* \[SQLITE_[A-Z_]+\]\n$/);
    expect(r.stderr.split('\n')).toHaveLength(2);
  });
});
