import type { Database as Db } from 'better-sqlite3';
import { documentHash } from '../../../core/diff/index.js';
import type {
  DocumentChange,
  DocumentKind,
  DocumentListQuery,
  DocumentStore,
  NewDocumentRow,
  Ownership,
  StoredDocument,
} from './types.js';
import { DOCUMENT_COLUMNS, DOCUMENT_TABLES, driftParams, toStoredDocument, type DocumentRow } from './document-row.js';
import type { Synchronous } from '../../db/sqlite-gate.js';


const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * One store class for the three document tables: they share every column
 * (environments add a declaration `position`). The table name comes from a
 * closed map, never from input.
 */
export class SqliteDocumentStore<D> implements Synchronous<DocumentStore<D>> {
  private readonly table: string;
  private readonly order: string;
  private readonly stmts;

  constructor(
    private readonly db: Db,
    readonly kind: DocumentKind,
  ) {
    this.table = DOCUMENT_TABLES[kind];
    this.order = kind === 'environment' ? 'position, key' : 'key';
    const t = this.table;
    this.stmts = {
      get: db.prepare<[string, string], DocumentRow>(`SELECT ${DOCUMENT_COLUMNS} FROM ${t} WHERE tenant = ? AND key = ?`),
      all: db.prepare<[string], DocumentRow>(`SELECT ${DOCUMENT_COLUMNS} FROM ${t} WHERE tenant = ? ORDER BY ${this.order}`),
      insert: db.prepare(
        kind === 'environment'
          ? `INSERT INTO ${t} (tenant, key, doc, hash, revision, managed_by, git_commit, drift_source, drift_actor, drift_at, created_at, created_by, updated_at, updated_by, position)
             VALUES (@tenant, @key, @doc, @hash, @revision, @managedBy, @gitCommit, @driftSource, @driftActor, @driftAt, @at, @by, @at, @by,
                     (SELECT COALESCE(MAX(position), -1) + 1 FROM ${t} WHERE tenant = @tenant))`
          : `INSERT INTO ${t} (tenant, key, doc, hash, revision, managed_by, git_commit, drift_source, drift_actor, drift_at, created_at, created_by, updated_at, updated_by)
             VALUES (@tenant, @key, @doc, @hash, @revision, @managedBy, @gitCommit, @driftSource, @driftActor, @driftAt, @at, @by, @at, @by)`,
      ),
      setOwnership: db.prepare(
        `UPDATE ${t} SET managed_by = @managedBy, git_commit = @gitCommit,
           drift_source = @driftSource, drift_actor = @driftActor, drift_at = @driftAt
         WHERE tenant = @tenant AND key = @key`,
      ),
      remove: db.prepare(`DELETE FROM ${t} WHERE tenant = ? AND key = ?`),
      hashes: db.prepare<[string], { key: string; hash: string }>(`SELECT key, hash FROM ${t} WHERE tenant = ? AND archived_at IS NULL ORDER BY key`),
      clearDrift: db.prepare(
        `UPDATE ${t} SET drift_source = NULL, drift_actor = NULL, drift_at = NULL
         WHERE tenant = ? AND archived_at IS NULL AND drift_source IS NOT NULL`,
      ),
    };
  }

  get(tenant: string, key: string): StoredDocument<D> | undefined {
    const row = this.stmts.get.get(tenant, key);
    return row ? toStoredDocument<D>(row) : undefined;
  }

  all(tenant: string): StoredDocument<D>[] {
    return this.stmts.all.all(tenant).map((r) => toStoredDocument<D>(r));
  }

  list(tenant: string, query: DocumentListQuery): StoredDocument<D>[] {
    const where = ['tenant = @tenant'];
    const params: Record<string, unknown> = { tenant, limit: query.limit };
    if (query.state === 'active') where.push('archived_at IS NULL');
    if (query.state === 'archived') where.push('archived_at IS NOT NULL');
    if (query.q !== undefined && query.q !== '') {
      params.q = `%${escapeLike(query.q)}%`;
      const nameClause = this.kind === 'environment' ? ` OR json_extract(doc, '$.name') LIKE @q ESCAPE '\\'` : '';
      where.push(`(key LIKE @q ESCAPE '\\' OR json_extract(doc, '$.description') LIKE @q ESCAPE '\\'${nameClause})`);
    }
    if (query.tag !== undefined) {
      params.tag = query.tag;
      where.push(`EXISTS (SELECT 1 FROM json_each(doc, '$.tags') WHERE json_each.value = @tag)`);
    }
    if (query.afterKey !== undefined) {
      params.afterKey = query.afterKey;
      where.push('key > @afterKey');
    }
    // Lists page by key (the keyset cursor), whatever the declaration order.
    const sql = `SELECT ${DOCUMENT_COLUMNS} FROM ${this.table} WHERE ${where.join(' AND ')} ORDER BY key LIMIT @limit`;
    return this.db
      .prepare<Record<string, unknown>, DocumentRow>(sql)
      .all(params)
      .map((r) => toStoredDocument<D>(r));
  }

  getMany(tenant: string, keys: readonly string[]): StoredDocument<D>[] {
    return keys.flatMap((key) => {
      const stored = this.get(tenant, key);
      return stored ? [stored] : [];
    });
  }

  insert(row: NewDocumentRow<D>): StoredDocument<D> {
    this.insertRow(row);
    return this.mustGet(row.tenant, row.key);
  }

  // One prepared statement per row (in SQLite a statement is a function call,
  // not a round trip), all or nothing like PostgreSQL's one statement.
  insertMany(rows: readonly NewDocumentRow<D>[]): void {
    this.db.transaction(() => {
      for (const row of rows) this.insertRow(row);
    })();
  }

  private insertRow(row: NewDocumentRow<D>): void {
    this.stmts.insert.run({
      tenant: row.tenant,
      key: row.key,
      doc: JSON.stringify(row.doc),
      hash: documentHash(row.doc as object),
      revision: row.revision,
      managedBy: row.managedBy,
      gitCommit: row.gitCommit,
      ...driftParams(row.drift),
      at: row.at,
      by: row.by,
    });
  }

  update(tenant: string, key: string, change: DocumentChange<D>): StoredDocument<D> {
    const sets = ['version = version + 1', 'revision = @revision', 'updated_at = @at', 'updated_by = @by'];
    const params: Record<string, unknown> = { tenant, key, revision: change.revision, at: change.at, by: change.by };
    if (change.doc !== undefined) {
      sets.push('doc = @doc', 'hash = @hash');
      params.doc = JSON.stringify(change.doc);
      params.hash = documentHash(change.doc as object);
    }
    if (change.archived !== undefined) {
      sets.push('archived_at = @archivedAt', 'archived_by = @archivedBy');
      params.archivedAt = change.archived?.at ?? null;
      params.archivedBy = change.archived?.by ?? null;
    }
    if (change.managedBy !== undefined) {
      sets.push('managed_by = @managedBy');
      params.managedBy = change.managedBy;
    }
    if (change.gitCommit !== undefined) {
      sets.push('git_commit = @gitCommit');
      params.gitCommit = change.gitCommit;
    }
    if (change.drift !== undefined) {
      sets.push('drift_source = @driftSource', 'drift_actor = @driftActor', 'drift_at = @driftAt');
      Object.assign(params, driftParams(change.drift));
    }
    this.db.prepare(`UPDATE ${this.table} SET ${sets.join(', ')} WHERE tenant = @tenant AND key = @key`).run(params);
    return this.mustGet(tenant, key);
  }

  setOwnership(tenant: string, key: string, ownership: Ownership): void {
    this.stmts.setOwnership.run({ tenant, key, managedBy: ownership.managedBy, gitCommit: ownership.gitCommit, ...driftParams(ownership.drift) });
  }

  remove(tenant: string, key: string): void {
    this.stmts.remove.run(tenant, key);
  }

  removeMany(tenant: string, keys: readonly string[]): void {
    this.db.transaction(() => {
      for (const key of keys) this.stmts.remove.run(tenant, key);
    })();
  }

  activeHashes(tenant: string): Record<string, string> {
    const hashes: Record<string, string> = {};
    for (const row of this.stmts.hashes.all(tenant)) hashes[row.key] = row.hash;
    return hashes;
  }

  clearActiveDrift(tenant: string): void {
    this.stmts.clearDrift.run(tenant);
  }

  setOrder(tenant: string, keys: readonly string[]): void {
    if (this.kind !== 'environment') throw new Error(`${this.kind} documents have no declaration order`);
    const set = this.db.prepare(`UPDATE ${this.table} SET position = ? WHERE tenant = ? AND key = ?`);
    this.db.transaction(() => keys.forEach((key, i) => set.run(i, tenant, key)))();
  }

  private mustGet(tenant: string, key: string): StoredDocument<D> {
    const stored = this.get(tenant, key);
    if (!stored) throw new Error(`${this.kind} row vanished inside its transaction`);
    return stored;
  }
}
