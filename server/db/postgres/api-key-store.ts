import { toApiKeyRow, type ApiKeyDbRow, type ApiKeyListQuery, type ApiKeyRow } from '../../features/api-keys/api-key-store.js';
import type { PgDatabase } from './database.js';
import { containsPattern, Params } from './params.js';


export class PgApiKeyStore {
  constructor(private readonly pg: PgDatabase) {}

  async insert(row: Omit<ApiKeyRow, 'revokedAt' | 'revokedBy'>): Promise<void> {
    await this.pg.db().query(
      `INSERT INTO api_keys (id, tenant, environment, name, verifier, created_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [row.id, row.tenant, row.environment, row.name, row.verifier, row.createdAt, row.createdBy],
    );
  }

  async get(tenant: string, id: string): Promise<ApiKeyRow | undefined> {
    const { rows } = await this.pg.db().query<ApiKeyDbRow>('SELECT * FROM api_keys WHERE tenant = $1 AND id = $2', [tenant, id]);
    return rows[0] ? toApiKeyRow(rows[0]) : undefined;
  }

  async list(tenant: string, q: ApiKeyListQuery): Promise<ApiKeyRow[]> {
    const p = new Params();
    const where = [`tenant = ${p.add(tenant)}`];
    if (q.state === 'active') where.push('revoked_at IS NULL');
    if (q.state === 'revoked') where.push('revoked_at IS NOT NULL');
    if (q.environment !== undefined) where.push(`environment = ${p.add(q.environment)}`);
    if (q.q !== undefined && q.q !== '') {
      // ILIKE: SQLite's LIKE ignores (ASCII) case.
      const pattern = p.add(containsPattern(q.q));
      where.push(`(name ILIKE ${pattern} ESCAPE '\\' OR id ILIKE ${pattern} ESCAPE '\\')`);
    }
    if (q.afterId !== undefined) where.push(`id > ${p.add(q.afterId)}`);
    const sql = `SELECT * FROM api_keys WHERE ${where.join(' AND ')} ORDER BY id LIMIT ${p.add(q.limit)}`;
    const { rows } = await this.pg.db().query<ApiKeyDbRow>(sql, p.values);
    return rows.map(toApiKeyRow);
  }

  async all(tenant?: string): Promise<ApiKeyRow[]> {
    const { rows } =
      tenant === undefined
        ? await this.pg.db().query<ApiKeyDbRow>('SELECT * FROM api_keys')
        : await this.pg.db().query<ApiKeyDbRow>('SELECT * FROM api_keys WHERE tenant = $1', [tenant]);
    return rows.map(toApiKeyRow);
  }

  async revoke(tenant: string, id: string, at: string, by: string): Promise<void> {
    await this.pg
      .db()
      .query('UPDATE api_keys SET revoked_at = $1, revoked_by = $2 WHERE tenant = $3 AND id = $4 AND revoked_at IS NULL', [at, by, tenant, id]);
  }

  async countActive(tenant: string, environment: string): Promise<number> {
    const { rows } = await this.pg
      .db()
      .query<{ n: number }>('SELECT COUNT(*) AS n FROM api_keys WHERE tenant = $1 AND environment = $2 AND revoked_at IS NULL', [tenant, environment]);
    return rows[0]?.n ?? 0;
  }
}
