// PostgreSQL migrations against a real server (the run's embedded one, or
// FF_TEST_DATABASE_URL): the schema matches SQLite's, replicas starting
// together serialize on the advisory lock, and a failed step leaves nothing.
import type pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATION_LOCK_KEY, migratePostgres, PgMigrationError, type PgMigration } from '../../server/db/postgres/migrate.js';
import { PG_MIGRATIONS } from '../../server/db/postgres/migrations/index.js';
import { openPostgresPool } from '../../server/db/postgres/pool.js';
import { createTestDatabase } from '../support/postgres.js';

/** Every step this build ships, and the newest: what a fresh database ends at. */
const VERSIONS = PG_MIGRATIONS.map((m) => m.version);
const LATEST = VERSIONS.at(-1)!;

const pools: pg.Pool[] = [];
function pool(url: string): pg.Pool {
  const p = openPostgresPool(url, { max: 3, applicationName: 'ff-migrate-test' });
  pools.push(p);
  return p;
}
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
});

async function tables(p: pg.Pool): Promise<string[]> {
  const { rows } = await p.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
  );
  return rows.map((r) => r.table_name);
}

const now = '2026-01-01T00:00:00.000Z';

describe('PostgreSQL migrations', () => {
  it('create the SQLite schema on a fresh database, once', async () => {
    // An ICU "en" database: natural-language collation, where 'a' < 'B'.
    const db = await createTestDatabase({ icuLocale: 'en' });
    const p = pool(db.url);
    expect(await migratePostgres(p)).toEqual({ applied: VERSIONS, current: LATEST });
    expect(await tables(p)).toEqual([
      'api_keys',
      'audit',
      'environments',
      'flags',
      'idempotency_keys',
      'revisions',
      'schema_migrations',
      'segments',
      'tenants',
      'usage_days',
    ]);
    // A second start finds nothing to do.
    expect(await migratePostgres(p)).toEqual({ applied: [], current: LATEST });

    const { rows: indexes } = await p.query<{ tablename: string; indexdef: string }>(
      "SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = 'public'",
    );
    const defs = indexes.map((i) => i.indexdef);
    for (const table of ['environments', 'flags', 'segments']) {
      expect(defs).toContain(`CREATE UNIQUE INDEX ${table}_tenant_key ON public.${table} USING btree (tenant, key)`);
    }
    expect(defs).toContain('CREATE INDEX audit_tenant_ts ON public.audit USING btree (tenant, ts)');

    // The unique (tenant, key) index is enforced, per tenant.
    await p.query('INSERT INTO tenants (key, created_at, updated_at) VALUES ($1, $2, $2), ($3, $2, $2)', ['alpha', now, 'beta']);
    const insertFlag = (tenant: string) =>
      p.query(
        `INSERT INTO flags (tenant, key, doc, revision, created_at, created_by, updated_at, updated_by)
         VALUES ($1, 'checkout', '{"key":"checkout"}', 1, $2, 'test', $2, 'test')`,
        [tenant, now],
      );
    await insertFlag('alpha');
    await insertFlag('beta');
    await expect(insertFlag('alpha')).rejects.toMatchObject({ code: '23505' });
    // bigint counters come back as numbers, as from SQLite.
    const { rows } = await p.query<{ revision: unknown; id: unknown }>("SELECT id, revision FROM flags WHERE tenant = 'alpha'");
    expect(typeof rows[0]?.revision).toBe('number');
    expect(typeof rows[0]?.id).toBe('number');
    // Documents keep their text as written (json, not jsonb), and come back as text.
    await p.query(
      `INSERT INTO segments (tenant, key, doc, revision, created_at, created_by, updated_at, updated_by)
       VALUES ('alpha', 's', '{"zeta":1,  "alpha":2}', 1, $1, 't', $1, 't')`,
      [now],
    );
    const seg = await p.query<{ doc: string }>("SELECT doc FROM segments WHERE key = 's'");
    expect(seg.rows[0]?.doc).toBe('{"zeta":1,  "alpha":2}');
    // Keys order bytewise (as SQLite's BINARY), whatever the server's locale.
    for (const key of ['b', 'B', '_', 'a']) {
      await p.query(
        `INSERT INTO segments (tenant, key, doc, revision, created_at, created_by, updated_at, updated_by)
         VALUES ('beta', $1, '{}', 1, $2, 't', $2, 't')`,
        [key, now],
      );
    }
    const keys = await p.query<{ key: string }>("SELECT key FROM segments WHERE tenant = 'beta' ORDER BY key");
    expect(keys.rows.map((r) => r.key)).toEqual(['B', '_', 'a', 'b']);
    const natural = await p.query<{ key: string }>("SELECT key::text COLLATE \"default\" AS key FROM segments WHERE tenant = 'beta' ORDER BY 1");
    expect(natural.rows.map((r) => r.key)).not.toEqual(['B', '_', 'a', 'b']); // the database's own order differs
    await expect(
      p.query(
        `INSERT INTO segments (tenant, key, doc, revision, created_at, created_by, updated_at, updated_by)
         VALUES ('alpha', 'bad', '{not json', 1, $1, 't', $1, 't')`,
        [now],
      ),
    ).rejects.toMatchObject({ code: '22P02' });
  });

  it('four replicas migrating a fresh database at once: one applies, the others find it done', async () => {
    const db = await createTestDatabase();
    const replicas = [0, 1, 2, 3].map(() => pool(db.url));
    const results = await Promise.all(replicas.map((p) => migratePostgres(p)));
    expect(results.map((r) => r.current)).toEqual([LATEST, LATEST, LATEST, LATEST]);
    expect(results.flatMap((r) => r.applied)).toEqual(VERSIONS);
    const { rows } = await replicas[0]!.query('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows).toEqual(VERSIONS.map((version) => ({ version })));
  });

  it('waits for the lock another replica holds, then finds the schema and applies nothing twice', async () => {
    const db = await createTestDatabase();
    const p = pool(db.url);
    const holder = await p.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      let settled = false;
      const waiting = migratePostgres(pool(db.url)).finally(() => {
        settled = true;
      });
      // The migrator's session is queued on our lock (seen in pg_locks), not done.
      await expect
        .poll(
          async () =>
            (await p.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks
                 WHERE locktype = 'advisory' AND NOT granted
                   AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`)).rows[0]
              ?.n,
        )
        .toBe(1);
      expect(settled).toBe(false);
      expect(await tables(p)).toEqual([]);
      // Meanwhile this "replica" migrates under the lock it holds.
      await holder.query('BEGIN');
      await holder.query("CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL)");
      for (const m of PG_MIGRATIONS) {
        await holder.query(m.sql);
        await holder.query('INSERT INTO schema_migrations VALUES ($1, $2, $3)', [m.version, m.name, now]);
      }
      await holder.query('COMMIT');
      await holder.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
      expect(await waiting).toEqual({ applied: [], current: LATEST });
    } finally {
      holder.release();
    }
  });

  it('a failing step leaves nothing of itself and releases the lock', async () => {
    const db = await createTestDatabase();
    const p = pool(db.url);
    const broken: PgMigration = { version: LATEST + 1, name: 'broken', sql: 'CREATE TABLE half_done (x int); SELECT 1 / 0;' };
    await expect(migratePostgres(p, [...PG_MIGRATIONS, broken])).rejects.toThrow(new RegExp(`migration ${LATEST + 1} \\(broken\\) failed: division by zero`));
    const { rows } = await p.query('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows).toEqual(VERSIONS.map((version) => ({ version })));
    expect(await tables(p)).not.toContain('half_done');
    const free = await p.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [MIGRATION_LOCK_KEY]);
    expect(free.rows[0]?.ok).toBe(true);
  });

  it('refuses a database whose recorded step differs from this build', async () => {
    const db = await createTestDatabase();
    const p = pool(db.url);
    await migratePostgres(p);
    const renamed: PgMigration = { ...PG_MIGRATIONS[0]!, name: 'edited' };
    await expect(migratePostgres(p, [renamed])).rejects.toThrow(PgMigrationError);
    await expect(migratePostgres(p, [renamed])).rejects.toThrow(/recorded as "initial"/);
  });
});
