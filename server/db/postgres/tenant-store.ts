import { toTenantRow, type ChangeMark, type TenantDbRow, type TenantRow } from '../../features/state/tenant-store.js';
import type { PgDatabase } from './database.js';


export class PgTenantStore {
  constructor(private readonly pg: PgDatabase) {}

  async get(key: string): Promise<TenantRow | undefined> {
    const { rows } = await this.pg.db().query<TenantDbRow>('SELECT * FROM tenants WHERE key = $1', [key]);
    return rows[0] ? toTenantRow(rows[0]) : undefined;
  }

  async list(): Promise<TenantRow[]> {
    const { rows } = await this.pg.db().query<TenantDbRow>('SELECT * FROM tenants ORDER BY key');
    return rows.map(toTenantRow);
  }

  async ensure(key: string, at: string, name?: string): Promise<TenantRow> {
    await this.pg.db().query('INSERT INTO tenants (key, name, created_at, updated_at) VALUES ($1, $2, $3, $3) ON CONFLICT (key) DO NOTHING', [
      key,
      name ?? null,
      at,
    ]);
    const row = await this.get(key);
    if (!row) throw new Error('tenant row missing after insert');
    return row;
  }

  async setName(key: string, name: string | null, at: string): Promise<void> {
    await this.pg.db().query('UPDATE tenants SET name = $1, updated_at = $2 WHERE key = $3', [name, at, key]);
  }

  async bumpRevision(key: string, at: string): Promise<number> {
    const { rows } = await this.pg
      .db()
      .query<{ revision: number }>('UPDATE tenants SET revision = revision + 1, updated_at = $1 WHERE key = $2 RETURNING revision', [at, key]);
    if (!rows[0]) throw new Error('bumpRevision on a missing tenant');
    return rows[0].revision;
  }

  async bumpKeysVersion(key: string, at: string): Promise<number> {
    const { rows } = await this.pg
      .db()
      .query<{ keys_version: number }>('UPDATE tenants SET keys_version = keys_version + 1, updated_at = $1 WHERE key = $2 RETURNING keys_version', [
        at,
        key,
      ]);
    if (!rows[0]) throw new Error('bumpKeysVersion on a missing tenant');
    return rows[0].keys_version;
  }

  async changeMarks(): Promise<ChangeMark[]> {
    const { rows } = await this.pg.db().query<{ key: string; revision: number; keys_version: number }>('SELECT key, revision, keys_version FROM tenants');
    return rows.map((r) => ({ tenant: r.key, revision: r.revision, keysVersion: r.keys_version }));
  }
}
