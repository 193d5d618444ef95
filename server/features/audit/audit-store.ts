import type { Database as Db } from 'better-sqlite3';
import type { Commit } from '../../../core/model/schema-types.js';
import { commitOfColumn, type ChangeSource } from '../state/revision-store.js';
import type { Synchronous } from '../../db/sqlite-gate.js';

export type AuditResource = 'environment' | 'flag' | 'segment' | 'experiment' | 'api_key' | 'tenant';
export type AuditAction = 'create' | 'update' | 'archive' | 'restore' | 'delete' | 'revoke';

export interface AuditEntry {
  tenant: string;
  ts: string;
  actor: string;
  source: ChangeSource;
  environment: string | null;
  resource: AuditResource;
  key: string;
  action: AuditAction;
  before: unknown;
  after: unknown;
  revision: number | null;
  commitSha: string | null;
  requestId: string | null;
  /** Why, when the writer said (X-Change-Reason); null otherwise. */
  reason: string | null;
  /** A forced write: ?force=true overriding Git's ownership of the resource (break-glass). */
  forced: boolean;
}

export interface AuditRecord extends AuditEntry {
  id: number;
  /** Commit metadata of the revision, when the change came from Git. */
  commit: Commit | null;
}

export interface AuditQuery {
  resource?: AuditResource;
  key?: string;
  actor?: string;
  environment?: string;
  action?: AuditAction;
  source?: ChangeSource;
  commit?: string;
  from?: string;
  to?: string;
  /** Keyset pagination, newest first: ids strictly lower than this. */
  beforeId?: number;
  limit: number;
}

export interface AuditStore {
  record(entry: AuditEntry): Promise<void>;
  /** Records these entries in order (ids ascend in that order): one statement on PostgreSQL, whatever the count. */
  recordMany(entries: readonly AuditEntry[]): Promise<void>;
  query(tenant: string, q: AuditQuery): Promise<AuditRecord[]>;
}

/** A row of audit joined with its revision's commit, as both stores read it. */
export interface AuditDbRow {
  id: number;
  tenant: string;
  ts: string;
  actor: string;
  source: ChangeSource;
  environment: string | null;
  resource: AuditResource;
  key: string;
  action: AuditAction;
  before: string | null;
  after: string | null;
  revision: number | null;
  commit_sha: string | null;
  request_id: string | null;
  reason: string | null;
  /** 0/1 on both stores. */
  forced: number;
  commit_meta: string | null;
}

const parse = (s: string | null): unknown => (s === null ? null : JSON.parse(s));

export const toAuditRecord = (r: AuditDbRow): AuditRecord => ({
  id: r.id,
  tenant: r.tenant,
  ts: r.ts,
  actor: r.actor,
  source: r.source,
  environment: r.environment,
  resource: r.resource,
  key: r.key,
  action: r.action,
  before: parse(r.before),
  after: parse(r.after),
  revision: r.revision,
  commitSha: r.commit_sha,
  requestId: r.request_id,
  reason: r.reason,
  forced: r.forced === 1,
  commit: r.commit_meta ? commitOfColumn(r.commit_meta) : null,
});

export class SqliteAuditStore implements Synchronous<AuditStore> {
  private readonly insert;
  constructor(private readonly db: Db) {
    this.insert = db.prepare(
      `INSERT INTO audit (tenant, ts, actor, source, environment, resource, key, action, before, after, revision, commit_sha, request_id, reason, forced)
       VALUES (@tenant, @ts, @actor, @source, @environment, @resource, @key, @action, @before, @after, @revision, @commitSha, @requestId, @reason, @forced)`,
    );
  }

  record(e: AuditEntry): void {
    this.insert.run({
      ...e,
      before: e.before === null || e.before === undefined ? null : JSON.stringify(e.before),
      after: e.after === null || e.after === undefined ? null : JSON.stringify(e.after),
      forced: e.forced ? 1 : 0,
    });
  }

  recordMany(entries: readonly AuditEntry[]): void {
    this.db.transaction(() => {
      for (const e of entries) this.record(e);
    })();
  }

  query(tenant: string, q: AuditQuery): AuditRecord[] {
    const where = ['a.tenant = @tenant'];
    const params: Record<string, unknown> = { tenant, limit: q.limit };
    const eq = (column: string, name: keyof AuditQuery) => {
      if (q[name] !== undefined) {
        where.push(`${column} = @${name}`);
        params[name] = q[name];
      }
    };
    eq('a.resource', 'resource');
    eq('a.key', 'key');
    eq('a.actor', 'actor');
    eq('a.environment', 'environment');
    eq('a.action', 'action');
    eq('a.source', 'source');
    if (q.commit !== undefined) {
      // A prefix of at least 7 characters finds the full sha, as in git.
      where.push(`a.commit_sha LIKE @commit`);
      params.commit = `${q.commit.replace(/[^0-9a-fA-F]/g, '')}%`;
    }
    if (q.from !== undefined) {
      where.push('a.ts >= @from');
      params.from = q.from;
    }
    if (q.to !== undefined) {
      where.push('a.ts < @to');
      params.to = q.to;
    }
    if (q.beforeId !== undefined) {
      where.push('a.id < @beforeId');
      params.beforeId = q.beforeId;
    }
    const sql = `SELECT a.*, r.commit_meta FROM audit a
      LEFT JOIN revisions r ON r.tenant = a.tenant AND r.revision = a.revision
      WHERE ${where.join(' AND ')} ORDER BY a.id DESC LIMIT @limit`;
    return this.db
      .prepare<Record<string, unknown>, AuditDbRow>(sql)
      .all(params)
      .map(toAuditRecord);
  }
}
