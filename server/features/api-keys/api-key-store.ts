import type { Database as Db } from 'better-sqlite3';
import type { Synchronous } from '../../db/sqlite-gate.js';

export interface ApiKeyRow {
  id: string;
  tenant: string;
  environment: string;
  name: string;
  verifier: string;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
  revokedBy: string | null;
}

export interface ApiKeyListQuery {
  state: 'active' | 'revoked' | 'all';
  environment?: string;
  q?: string;
  /** Keyset pagination by id. */
  afterId?: string;
  limit: number;
}

export interface ApiKeyStore {
  insert(row: Omit<ApiKeyRow, 'revokedAt' | 'revokedBy'>): Promise<void>;
  get(tenant: string, id: string): Promise<ApiKeyRow | undefined>;
  list(tenant: string, q: ApiKeyListQuery): Promise<ApiKeyRow[]>;
  /** Every key of one tenant (or all tenants), for the in-memory key index. */
  all(tenant?: string): Promise<ApiKeyRow[]>;
  revoke(tenant: string, id: string, at: string, by: string): Promise<void>;
  countActive(tenant: string, environment: string): Promise<number>;
}

/** A row of api_keys, as both stores read it. */
export interface ApiKeyDbRow {
  id: string;
  tenant: string;
  environment: string;
  name: string;
  verifier: string;
  created_at: string;
  created_by: string;
  revoked_at: string | null;
  revoked_by: string | null;
}

export const toApiKeyRow = (r: ApiKeyDbRow): ApiKeyRow => ({
  id: r.id,
  tenant: r.tenant,
  environment: r.environment,
  name: r.name,
  verifier: r.verifier,
  createdAt: r.created_at,
  createdBy: r.created_by,
  revokedAt: r.revoked_at,
  revokedBy: r.revoked_by,
});

export class SqliteApiKeyStore implements Synchronous<ApiKeyStore> {
  private readonly stmts;
  constructor(private readonly db: Db) {
    this.stmts = {
      insert: db.prepare(
        `INSERT INTO api_keys (id, tenant, environment, name, verifier, created_at, created_by)
         VALUES (@id, @tenant, @environment, @name, @verifier, @createdAt, @createdBy)`,
      ),
      get: db.prepare<[string, string], ApiKeyDbRow>('SELECT * FROM api_keys WHERE tenant = ? AND id = ?'),
      allOf: db.prepare<[string], ApiKeyDbRow>('SELECT * FROM api_keys WHERE tenant = ?'),
      all: db.prepare<[], ApiKeyDbRow>('SELECT * FROM api_keys'),
      revoke: db.prepare('UPDATE api_keys SET revoked_at = ?, revoked_by = ? WHERE tenant = ? AND id = ? AND revoked_at IS NULL'),
      countActive: db.prepare<[string, string], { n: number }>(
        'SELECT COUNT(*) AS n FROM api_keys WHERE tenant = ? AND environment = ? AND revoked_at IS NULL',
      ),
    };
  }

  insert(row: Omit<ApiKeyRow, 'revokedAt' | 'revokedBy'>): void {
    this.stmts.insert.run(row);
  }

  get(tenant: string, id: string): ApiKeyRow | undefined {
    const r = this.stmts.get.get(tenant, id);
    return r ? toApiKeyRow(r) : undefined;
  }

  list(tenant: string, q: ApiKeyListQuery): ApiKeyRow[] {
    const where = ['tenant = @tenant'];
    const params: Record<string, unknown> = { tenant, limit: q.limit };
    if (q.state === 'active') where.push('revoked_at IS NULL');
    if (q.state === 'revoked') where.push('revoked_at IS NOT NULL');
    if (q.environment !== undefined) {
      where.push('environment = @environment');
      params.environment = q.environment;
    }
    if (q.q !== undefined && q.q !== '') {
      where.push(`(name LIKE @q ESCAPE '\\' OR id LIKE @q ESCAPE '\\')`);
      params.q = `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    }
    if (q.afterId !== undefined) {
      where.push('id > @afterId');
      params.afterId = q.afterId;
    }
    const sql = `SELECT * FROM api_keys WHERE ${where.join(' AND ')} ORDER BY id LIMIT @limit`;
    return this.db.prepare<Record<string, unknown>, ApiKeyDbRow>(sql).all(params).map(toApiKeyRow);
  }

  all(tenant?: string): ApiKeyRow[] {
    return (tenant === undefined ? this.stmts.all.all() : this.stmts.allOf.all(tenant)).map(toApiKeyRow);
  }

  revoke(tenant: string, id: string, at: string, by: string): void {
    this.stmts.revoke.run(at, by, tenant, id);
  }

  countActive(tenant: string, environment: string): number {
    return this.stmts.countActive.get(tenant, environment)?.n ?? 0;
  }
}
