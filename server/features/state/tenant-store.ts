import type { Database as Db } from 'better-sqlite3';
import type { Synchronous } from '../../db/sqlite-gate.js';

export interface TenantRow {
  key: string;
  name: string | null;
  revision: number;
  keysVersion: number;
  createdAt: string;
  updatedAt: string;
}

/** What another process compares to notice a change (the cross-process watcher reads this). */
export interface ChangeMark {
  tenant: string;
  revision: number;
  keysVersion: number;
}

export interface TenantStore {
  get(key: string): Promise<TenantRow | undefined>;
  list(): Promise<TenantRow[]>;
  /** Creates the tenant row when missing; returns it either way. */
  ensure(key: string, at: string, name?: string): Promise<TenantRow>;
  setName(key: string, name: string | null, at: string): Promise<void>;
  /** +1 on the tenant's state revision; returns the new revision. Call inside the write transaction. */
  bumpRevision(key: string, at: string): Promise<number>;
  bumpKeysVersion(key: string, at: string): Promise<number>;
  changeMarks(): Promise<ChangeMark[]>;
}

/** A row of tenants, as both stores read it. */
export interface TenantDbRow {
  key: string;
  name: string | null;
  revision: number;
  keys_version: number;
  created_at: string;
  updated_at: string;
}

export const toTenantRow = (r: TenantDbRow): TenantRow => ({
  key: r.key,
  name: r.name,
  revision: r.revision,
  keysVersion: r.keys_version,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class SqliteTenantStore implements Synchronous<TenantStore> {
  private readonly stmts;
  constructor(db: Db) {
    this.stmts = {
      get: db.prepare<[string], TenantDbRow>('SELECT * FROM tenants WHERE key = ?'),
      list: db.prepare<[], TenantDbRow>('SELECT * FROM tenants ORDER BY key'),
      insert: db.prepare('INSERT OR IGNORE INTO tenants (key, name, created_at, updated_at) VALUES (?, ?, ?, ?)'),
      setName: db.prepare('UPDATE tenants SET name = ?, updated_at = ? WHERE key = ?'),
      bump: db.prepare<[string, string], { revision: number }>(
        'UPDATE tenants SET revision = revision + 1, updated_at = ? WHERE key = ? RETURNING revision',
      ),
      bumpKeys: db.prepare<[string, string], { keys_version: number }>(
        'UPDATE tenants SET keys_version = keys_version + 1, updated_at = ? WHERE key = ? RETURNING keys_version',
      ),
      marks: db.prepare<[], { key: string; revision: number; keys_version: number }>(
        'SELECT key, revision, keys_version FROM tenants',
      ),
    };
  }

  get(key: string): TenantRow | undefined {
    const r = this.stmts.get.get(key);
    return r ? toTenantRow(r) : undefined;
  }

  list(): TenantRow[] {
    return this.stmts.list.all().map(toTenantRow);
  }

  ensure(key: string, at: string, name?: string): TenantRow {
    this.stmts.insert.run(key, name ?? null, at, at);
    const row = this.get(key);
    if (!row) throw new Error('tenant row missing after insert');
    return row;
  }

  setName(key: string, name: string | null, at: string): void {
    this.stmts.setName.run(name, at, key);
  }

  bumpRevision(key: string, at: string): number {
    const r = this.stmts.bump.get(at, key);
    if (!r) throw new Error('bumpRevision on a missing tenant');
    return r.revision;
  }

  bumpKeysVersion(key: string, at: string): number {
    const r = this.stmts.bumpKeys.get(at, key);
    if (!r) throw new Error('bumpKeysVersion on a missing tenant');
    return r.keys_version;
  }

  changeMarks(): ChangeMark[] {
    return this.stmts.marks.all().map((r) => ({ tenant: r.key, revision: r.revision, keysVersion: r.keys_version }));
  }
}
