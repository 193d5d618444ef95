// Start-up against PostgreSQL: a database that is not there yet is waited for
// (retries with backoff, each reported), then migrated; an error that cannot
// fix itself (a wrong password) fails at once; a shutdown aborts the wait.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { PG_MIGRATIONS } from '../../server/db/postgres/migrations/index.js';
import { openPostgres } from '../../server/db/postgres/open.js';
import { postgresContext, recordTestDatabase } from '../support/postgres.js';

const withDatabase = (url: string, database: string) => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
};

describe('openPostgres', () => {
  it('waits for a database that does not exist yet, then migrates it', async () => {
    const { adminUrl, runId } = postgresContext();
    const name = `ff_t_${runId}_${process.pid}_late`;
    const retries: number[] = [];
    const codes: unknown[] = [];
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    let created = false;
    try {
      const opened = openPostgres(withDatabase(adminUrl, name), {
        minBackoffMs: 20,
        maxBackoffMs: 80,
        onRetry: (error, attempt) => {
          codes.push((error as { code?: string }).code);
          retries.push(attempt);
          // The operator creates it after a few attempts.
          if (attempt === 3) {
            created = true;
            recordTestDatabase(name);
            void admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
          }
        },
      });
      const db = await opened;
      expect(created).toBe(true);
      expect(retries.slice(0, 3)).toEqual([1, 2, 3]);
      expect(new Set(codes)).toEqual(new Set(['3D000']));
      const { rows } = await db.pool.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(rows).toEqual(PG_MIGRATIONS.map((m) => ({ version: m.version })));
      await db.close();
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(name)} WITH (FORCE)`);
      await admin.end();
    }
  });

  it('fails at once on a wrong password', async () => {
    const url = new URL(postgresContext().adminUrl);
    url.password = 'wrong-password';
    let retried = 0;
    await expect(openPostgres(url.toString(), { onRetry: () => void (retried += 1) })).rejects.toMatchObject({ code: '28P01' });
    expect(retried).toBe(0);
  });

  it('a shutdown during the wait stops retrying', async () => {
    const controller = new AbortController();
    let retried = 0;
    const url = withDatabase(postgresContext().adminUrl, 'ff_never_created');
    const opening = openPostgres(url, {
      minBackoffMs: 10,
      signal: controller.signal,
      onRetry: () => {
        retried += 1;
        if (retried === 2) controller.abort();
      },
    });
    await expect(opening).rejects.toMatchObject({ name: 'AbortError' });
    expect(retried).toBe(2);
  });
});
