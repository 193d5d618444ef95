import type { ChangeSource, CommitMeta, RevisionChange, RevisionRecord } from '../../features/state/revision-store.js';
import type { PgDatabase } from './database.js';

interface Row {
  tenant: string;
  revision: number;
  ts: string;
  actor: string;
  source: ChangeSource;
  commit_meta: string | null;
  changes: string;
}

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
      .query<Row>('SELECT * FROM revisions WHERE tenant = $1 AND revision > $2 ORDER BY revision LIMIT $3', [tenant, since, limit]);
    return rows.map((r) => ({
      tenant: r.tenant,
      revision: r.revision,
      ts: r.ts,
      actor: r.actor,
      source: r.source,
      commit: r.commit_meta ? (JSON.parse(r.commit_meta) as CommitMeta) : null,
      changes: JSON.parse(r.changes) as RevisionChange[],
    }));
  }
}
