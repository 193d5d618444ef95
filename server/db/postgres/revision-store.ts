import { toRevisionRecord, type RevisionDbRow, type RevisionRecord } from '../../features/state/revision-store.js';
import type { PgDatabase } from './database.js';


export class PgRevisionStore {
  constructor(private readonly pg: PgDatabase) {}

  async record(rev: RevisionRecord): Promise<void> {
    await this.pg.db().query(
      `INSERT INTO revisions (tenant, revision, ts, actor, source, commit_sha, commit_meta, changes)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [rev.tenant, rev.revision, rev.ts, rev.actor, rev.source, rev.commit?.sha ?? null, rev.commit ? JSON.stringify(rev.commit) : null, JSON.stringify(rev.changes)],
    );
  }

  async since(tenant: string, since: number, limit: number): Promise<RevisionRecord[]> {
    const { rows } = await this.pg
      .db()
      .query<RevisionDbRow>('SELECT * FROM revisions WHERE tenant = $1 AND revision > $2 ORDER BY revision LIMIT $3', [tenant, since, limit]);
    return rows.map(toRevisionRecord);
  }
}
