import type { IdempotencyScope, StoredResponse } from '../../idempotency/idempotency-store.js';
import type { PgDatabase } from './database.js';

interface Row {
  request_hash: string;
  status: number;
  headers: string;
  body: string;
  created_at: string;
}

export class PgIdempotencyStore {
  constructor(private readonly pg: PgDatabase) {}

  async find(s: IdempotencyScope, notBefore: string): Promise<StoredResponse | undefined> {
    const { rows } = await this.pg.db().query<Row>(
      `SELECT request_hash, status, headers, body, created_at FROM idempotency_keys
       WHERE tenant = $1 AND actor = $2 AND route = $3 AND key = $4 AND created_at >= $5`,
      [s.tenant, s.actor, s.route, s.key, notBefore],
    );
    const r = rows[0];
    if (!r) return undefined;
    return {
      requestHash: r.request_hash,
      status: r.status,
      headers: JSON.parse(r.headers) as Record<string, string>,
      body: JSON.parse(r.body),
      createdAt: r.created_at,
    };
  }

  async save(s: IdempotencyScope, r: StoredResponse): Promise<void> {
    // INSERT OR REPLACE of the SQLite store.
    await this.pg.db().query(
      `INSERT INTO idempotency_keys (tenant, actor, route, key, request_hash, status, headers, body, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (tenant, actor, route, key) DO UPDATE SET
         request_hash = EXCLUDED.request_hash, status = EXCLUDED.status, headers = EXCLUDED.headers,
         body = EXCLUDED.body, created_at = EXCLUDED.created_at`,
      [s.tenant, s.actor, s.route, s.key, r.requestHash, r.status, JSON.stringify(r.headers), JSON.stringify(r.body), r.createdAt],
    );
  }

  async purge(before: string): Promise<number> {
    // Writes to different tenants run at once and each purges every tenant's
    // old records: rows another transaction is purging are skipped, never
    // waited for (no lock wait, no deadlock between two purges).
    const result = await this.pg
      .db()
      .query(
        'DELETE FROM idempotency_keys WHERE ctid IN (SELECT ctid FROM idempotency_keys WHERE created_at < $1 FOR UPDATE SKIP LOCKED)',
        [before],
      );
    return result.rowCount ?? 0;
  }
}
