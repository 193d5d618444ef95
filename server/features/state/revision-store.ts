import type { Database as Db } from 'better-sqlite3';
import type { Commit } from '../../../core/model/schema-types.js';
import type { DocumentKind } from '../documents/types.js';
import type { Synchronous } from '../../db/sqlite-gate.js';

export type ChangeSource = 'api' | 'git' | 'seed';
export type ChangeAction = 'create' | 'update' | 'archive' | 'restore' | 'delete';

/**
 * The `commit_meta` column of a revision: the commit it came from, as JSON.
 * Rows written before the column took the wire names held `remote` and
 * `time` for `remote_url` and `committed_at`; they read as the wire names.
 */
export function commitOfColumn(json: string): Commit {
  const { remote, time, ...commit } = JSON.parse(json) as Commit & { remote?: string; time?: string };
  if (remote !== undefined && commit.remote_url === undefined) commit.remote_url = remote;
  if (time !== undefined && commit.committed_at === undefined) commit.committed_at = time;
  return commit;
}

/** One resource touched by a revision, and the environments whose evaluation it may change. */
export interface RevisionChange {
  resource: DocumentKind;
  key: string;
  action: ChangeAction;
  environments: string[];
}

export interface RevisionRecord {
  tenant: string;
  revision: number;
  ts: string;
  actor: string;
  source: ChangeSource;
  commit: Commit | null;
  changes: RevisionChange[];
}

export interface RevisionStore {
  record(rev: RevisionRecord): Promise<void>;
  /** Revisions after `since`, oldest first (change stream, stale-plan reports). */
  since(tenant: string, since: number, limit: number): Promise<RevisionRecord[]>;
}

/** A row of revisions, as both stores read it. */
export interface RevisionDbRow {
  tenant: string;
  revision: number;
  ts: string;
  actor: string;
  source: ChangeSource;
  commit_meta: string | null;
  changes: string;
}

export const toRevisionRecord = (r: RevisionDbRow): RevisionRecord => ({
  tenant: r.tenant,
  revision: r.revision,
  ts: r.ts,
  actor: r.actor,
  source: r.source,
  commit: r.commit_meta ? commitOfColumn(r.commit_meta) : null,
  changes: JSON.parse(r.changes) as RevisionChange[],
});

export class SqliteRevisionStore implements Synchronous<RevisionStore> {
  private readonly stmts;
  constructor(db: Db) {
    this.stmts = {
      insert: db.prepare(
        `INSERT INTO revisions (tenant, revision, ts, actor, source, commit_sha, commit_meta, changes)
         VALUES (@tenant, @revision, @ts, @actor, @source, @commitSha, @commitMeta, @changes)`,
      ),
      since: db.prepare<[string, number, number], RevisionDbRow>(
        'SELECT * FROM revisions WHERE tenant = ? AND revision > ? ORDER BY revision LIMIT ?',
      ),
    };
  }

  record(rev: RevisionRecord): void {
    this.stmts.insert.run({
      tenant: rev.tenant,
      revision: rev.revision,
      ts: rev.ts,
      actor: rev.actor,
      source: rev.source,
      commitSha: rev.commit?.sha ?? null,
      commitMeta: rev.commit ? JSON.stringify(rev.commit) : null,
      changes: JSON.stringify(rev.changes),
    });
  }

  since(tenant: string, since: number, limit: number): RevisionRecord[] {
    return this.stmts.since.all(tenant, since, limit).map(toRevisionRecord);
  }
}
