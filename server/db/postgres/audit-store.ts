import { toAuditRecord, type AuditDbRow, type AuditEntry, type AuditQuery, type AuditRecord } from '../../features/audit/audit-store.js';
import type { PgDatabase } from './database.js';
import { Params } from './params.js';


const json = (v: unknown): string | null => (v === null || v === undefined ? null : JSON.stringify(v));

export class PgAuditStore {
  constructor(private readonly pg: PgDatabase) {}

  async record(e: AuditEntry): Promise<void> {
    await this.pg.db().query(
      `INSERT INTO audit (tenant, ts, actor, source, environment, resource, key, action, before, after, revision, commit_sha, request_id, reason, forced)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
      [e.tenant, e.ts, e.actor, e.source, e.environment, e.resource, e.key, e.action, json(e.before), json(e.after), e.revision, e.commitSha, e.requestId, e.reason, e.forced ? 1 : 0],
    );
  }

  /** ONE statement for any number of entries (array parameters zipped by unnest, as the document store's insertMany). */
  async recordMany(entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const col = <T>(f: (e: AuditEntry) => T): T[] => entries.map(f);
    await this.pg.db().query(
      `INSERT INTO audit (tenant, ts, actor, source, environment, resource, key, action, before, after, revision, commit_sha, request_id, reason, forced)
       SELECT u.tenant, u.ts, u.actor, u.source, u.environment, u.resource, u.key, u.action, u.before, u.after, u.revision, u.commit_sha, u.request_id, u.reason, u.forced
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
                   $11::bigint[], $12::text[], $13::text[], $14::text[], $15::smallint[])
         WITH ORDINALITY AS u(tenant, ts, actor, source, environment, resource, key, action, before, after, revision, commit_sha, request_id, reason, forced, ord)
       ORDER BY u.ord`,
      [
        col((e) => e.tenant),
        col((e) => e.ts),
        col((e) => e.actor),
        col((e) => e.source),
        col((e) => e.environment),
        col((e) => e.resource),
        col((e) => e.key),
        col((e) => e.action),
        col((e) => json(e.before)),
        col((e) => json(e.after)),
        col((e) => e.revision),
        col((e) => e.commitSha),
        col((e) => e.requestId),
        col((e) => e.reason),
        col((e) => (e.forced ? 1 : 0)),
      ],
    );
  }

  async query(tenant: string, q: AuditQuery): Promise<AuditRecord[]> {
    const p = new Params();
    const where = [`a.tenant = ${p.add(tenant)}`];
    const eq = (column: string, value: string | undefined) => {
      if (value !== undefined) where.push(`${column} = ${p.add(value)}`);
    };
    eq('a.resource', q.resource);
    eq('a.key', q.key);
    eq('a.actor', q.actor);
    eq('a.environment', q.environment);
    eq('a.action', q.action);
    eq('a.source', q.source);
    if (q.commit !== undefined) {
      // A prefix of at least 7 characters finds the full sha, as in git (any case, as SQLite's LIKE).
      where.push(`a.commit_sha ILIKE ${p.add(`${q.commit.replace(/[^0-9a-fA-F]/g, '')}%`)}`);
    }
    if (q.from !== undefined) where.push(`a.ts >= ${p.add(q.from)}`);
    if (q.to !== undefined) where.push(`a.ts < ${p.add(q.to)}`);
    if (q.beforeId !== undefined) where.push(`a.id < ${p.add(q.beforeId)}`);
    const sql = `SELECT a.*, r.commit_meta FROM audit a
      LEFT JOIN revisions r ON r.tenant = a.tenant AND r.revision = a.revision
      WHERE ${where.join(' AND ')} ORDER BY a.id DESC LIMIT ${p.add(q.limit)}`;
    const { rows } = await this.pg.db().query<AuditDbRow>(sql, p.values);
    return rows.map(toAuditRecord);
  }
}
