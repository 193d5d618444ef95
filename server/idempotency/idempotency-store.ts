import type { Database as Db } from 'better-sqlite3';
import type { Synchronous } from '../db/sqlite-gate.js';

export interface IdempotencyScope {
  tenant: string;
  actor: string;
  /** "POST /v1/flags": the method and route template. */
  route: string;
  key: string;
}

export interface StoredResponse {
  requestHash: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
  createdAt: string;
}

export interface IdempotencyStore {
  find(scope: IdempotencyScope, notBefore: string): Promise<StoredResponse | undefined>;
  save(scope: IdempotencyScope, response: StoredResponse): Promise<void>;
  /** Deletes records older than `before`; returns how many. */
  purge(before: string): Promise<number>;
}

interface Row {
  request_hash: string;
  status: number;
  headers: string;
  body: string;
  created_at: string;
}

export class SqliteIdempotencyStore implements Synchronous<IdempotencyStore> {
  private readonly stmts;
  constructor(db: Db) {
    this.stmts = {
      find: db.prepare<[string, string, string, string, string], Row>(
        `SELECT request_hash, status, headers, body, created_at FROM idempotency_keys
         WHERE tenant = ? AND actor = ? AND route = ? AND key = ? AND created_at >= ?`,
      ),
      save: db.prepare(
        `INSERT OR REPLACE INTO idempotency_keys (tenant, actor, route, key, request_hash, status, headers, body, created_at)
         VALUES (@tenant, @actor, @route, @key, @requestHash, @status, @headers, @body, @createdAt)`,
      ),
      purge: db.prepare('DELETE FROM idempotency_keys WHERE created_at < ?'),
    };
  }

  find(s: IdempotencyScope, notBefore: string): StoredResponse | undefined {
    const r = this.stmts.find.get(s.tenant, s.actor, s.route, s.key, notBefore);
    if (!r) return undefined;
    return {
      requestHash: r.request_hash,
      status: r.status,
      headers: JSON.parse(r.headers) as Record<string, string>,
      body: JSON.parse(r.body),
      createdAt: r.created_at,
    };
  }

  save(s: IdempotencyScope, r: StoredResponse): void {
    this.stmts.save.run({
      ...s,
      requestHash: r.requestHash,
      status: r.status,
      headers: JSON.stringify(r.headers),
      body: JSON.stringify(r.body),
      createdAt: r.createdAt,
    });
  }

  purge(before: string): number {
    return this.stmts.purge.run(before).changes;
  }
}
