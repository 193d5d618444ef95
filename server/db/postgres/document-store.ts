import { documentHash } from '../../../core/diff/index.js';
import type {
  DocumentChange,
  DocumentKind,
  DocumentListQuery,
  NewDocumentRow,
  Ownership,
  StoredDocument,
} from '../../features/documents/types.js';
import type { PgDatabase } from './database.js';
import { containsPattern, Params } from './params.js';
import { DOCUMENT_COLUMNS, DOCUMENT_TABLES, toStoredDocument, type DocumentRow } from '../../features/documents/document-row.js';


/**
 * The PostgreSQL twin of the SQLite document store: same rows, same order
 * (keys collate bytewise, see the migration), same search semantics (ILIKE
 * for SQLite's case-insensitive LIKE; ->> for json_extract). The table name
 * comes from a closed map, never from input.
 */
export class PgDocumentStore<D> {
  private readonly table: string;
  private readonly order: string;

  constructor(
    private readonly pg: PgDatabase,
    readonly kind: DocumentKind,
  ) {
    this.table = DOCUMENT_TABLES[kind];
    this.order = kind === 'environment' ? 'position, key' : 'key';
  }

  async get(tenant: string, key: string): Promise<StoredDocument<D> | undefined> {
    const { rows } = await this.pg.db().query<DocumentRow>(`SELECT ${DOCUMENT_COLUMNS} FROM ${this.table} WHERE tenant = $1 AND key = $2`, [tenant, key]);
    return rows[0] ? toStoredDocument<D>(rows[0]) : undefined;
  }

  async getMany(tenant: string, keys: readonly string[]): Promise<StoredDocument<D>[]> {
    if (keys.length === 0) return [];
    const { rows } = await this.pg
      .db()
      .query<DocumentRow>(`SELECT ${DOCUMENT_COLUMNS} FROM ${this.table} WHERE tenant = $1 AND key = ANY($2::text[])`, [tenant, [...keys]]);
    return rows.map((r) => toStoredDocument<D>(r));
  }

  async all(tenant: string): Promise<StoredDocument<D>[]> {
    const { rows } = await this.pg.db().query<DocumentRow>(`SELECT ${DOCUMENT_COLUMNS} FROM ${this.table} WHERE tenant = $1 ORDER BY ${this.order}`, [tenant]);
    return rows.map((r) => toStoredDocument<D>(r));
  }

  async list(tenant: string, query: DocumentListQuery): Promise<StoredDocument<D>[]> {
    const p = new Params();
    const where = [`tenant = ${p.add(tenant)}`];
    if (query.state === 'active') where.push('archived_at IS NULL');
    if (query.state === 'archived') where.push('archived_at IS NOT NULL');
    if (query.q !== undefined && query.q !== '') {
      const q = p.add(containsPattern(query.q));
      const nameClause = this.kind === 'environment' ? ` OR doc->>'name' ILIKE ${q} ESCAPE '\\'` : '';
      where.push(`(key ILIKE ${q} ESCAPE '\\' OR doc->>'description' ILIKE ${q} ESCAPE '\\'${nameClause})`);
    }
    if (query.tag !== undefined) {
      where.push(
        `EXISTS (SELECT 1 FROM json_array_elements_text(CASE WHEN json_typeof(doc->'tags') = 'array' THEN doc->'tags' ELSE '[]'::json END) AS t(tag)
                 WHERE t.tag = ${p.add(query.tag)})`,
      );
    }
    if (query.afterKey !== undefined) where.push(`key > ${p.add(query.afterKey)}`);
    // Lists page by key (the keyset cursor), whatever the declaration order.
    const sql = `SELECT ${DOCUMENT_COLUMNS} FROM ${this.table} WHERE ${where.join(' AND ')} ORDER BY key LIMIT ${p.add(query.limit)}`;
    const { rows } = await this.pg.db().query<DocumentRow>(sql, p.values);
    return rows.map((r) => toStoredDocument<D>(r));
  }

  async insert(row: NewDocumentRow<D>): Promise<StoredDocument<D>> {
    const t = this.table;
    const values = [
      row.tenant,
      row.key,
      JSON.stringify(row.doc),
      documentHash(row.doc as object),
      row.revision,
      row.managedBy,
      row.gitCommit,
      row.drift?.source ?? null,
      row.drift?.actor ?? null,
      row.drift?.at ?? null,
      row.at,
      row.by,
    ];
    const columns = 'tenant, key, doc, hash, revision, managed_by, git_commit, drift_source, drift_actor, drift_at, created_at, created_by, updated_at, updated_by';
    const sql =
      this.kind === 'environment'
        ? `INSERT INTO ${t} (${columns}, position)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $11, $12,
                   (SELECT COALESCE(MAX(position), -1) + 1 FROM ${t} WHERE tenant = $1))
           RETURNING ${DOCUMENT_COLUMNS}`
        : `INSERT INTO ${t} (${columns})
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $11, $12)
           RETURNING ${DOCUMENT_COLUMNS}`;
    const { rows } = await this.pg.db().query<DocumentRow>(sql, values);
    return toStoredDocument<D>(rows[0]!);
  }

  /**
   * ONE statement for any number of rows: each column travels as one array
   * parameter and unnest() zips them back into rows, so the count is bounded
   * neither by round trips nor by the protocol's 65,535 parameters. WITH
   * ORDINALITY keeps the caller's order (ids, and environment positions:
   * after the tenant's last, in that order).
   */
  async insertMany(rows: readonly NewDocumentRow<D>[]): Promise<void> {
    if (rows.length === 0) return;
    const col = <T>(f: (r: NewDocumentRow<D>) => T): T[] => rows.map(f);
    const values = [
      col((r) => r.tenant),
      col((r) => r.key),
      col((r) => JSON.stringify(r.doc)),
      col((r) => documentHash(r.doc as object)),
      col((r) => r.revision),
      col((r) => r.managedBy),
      col((r) => r.gitCommit),
      col((r) => r.drift?.source ?? null),
      col((r) => r.drift?.actor ?? null),
      col((r) => r.drift?.at ?? null),
      col((r) => r.at),
      col((r) => r.by),
    ];
    const t = this.table;
    const columns = 'tenant, key, doc, hash, revision, managed_by, git_commit, drift_source, drift_actor, drift_at, created_at, created_by, updated_at, updated_by';
    const position =
      this.kind === 'environment'
        ? `, (SELECT COALESCE(MAX(e.position), -1) FROM ${t} e WHERE e.tenant = u.tenant) + ROW_NUMBER() OVER (PARTITION BY u.tenant ORDER BY u.ord)`
        : '';
    const sql = `INSERT INTO ${t} (${columns}${this.kind === 'environment' ? ', position' : ''})
      SELECT u.tenant, u.key, u.doc, u.hash, u.revision, u.managed_by, u.git_commit, u.drift_source, u.drift_actor, u.drift_at,
             u.at, u.by, u.at, u.by${position}
      FROM unnest($1::text[], $2::text[], $3::json[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[])
        WITH ORDINALITY AS u(tenant, key, doc, hash, revision, managed_by, git_commit, drift_source, drift_actor, drift_at, at, by, ord)
      ORDER BY u.ord`;
    await this.pg.db().query(sql, values);
  }

  async update(tenant: string, key: string, change: DocumentChange<D>): Promise<StoredDocument<D>> {
    const p = new Params();
    const sets = ['version = version + 1', `revision = ${p.add(change.revision)}`, `updated_at = ${p.add(change.at)}`, `updated_by = ${p.add(change.by)}`];
    if (change.doc !== undefined) {
      sets.push(`doc = ${p.add(JSON.stringify(change.doc))}`, `hash = ${p.add(documentHash(change.doc as object))}`);
    }
    if (change.archived !== undefined) {
      sets.push(`archived_at = ${p.add(change.archived?.at ?? null)}`, `archived_by = ${p.add(change.archived?.by ?? null)}`);
    }
    if (change.managedBy !== undefined) sets.push(`managed_by = ${p.add(change.managedBy)}`);
    if (change.gitCommit !== undefined) sets.push(`git_commit = ${p.add(change.gitCommit)}`);
    if (change.drift !== undefined) {
      sets.push(
        `drift_source = ${p.add(change.drift?.source ?? null)}`,
        `drift_actor = ${p.add(change.drift?.actor ?? null)}`,
        `drift_at = ${p.add(change.drift?.at ?? null)}`,
      );
    }
    const sql = `UPDATE ${this.table} SET ${sets.join(', ')} WHERE tenant = ${p.add(tenant)} AND key = ${p.add(key)} RETURNING ${DOCUMENT_COLUMNS}`;
    const { rows } = await this.pg.db().query<DocumentRow>(sql, p.values);
    if (!rows[0]) throw new Error(`${this.kind} row vanished inside its transaction`);
    return toStoredDocument<D>(rows[0]);
  }

  async setOwnership(tenant: string, key: string, ownership: Ownership): Promise<void> {
    await this.pg.db().query(
      `UPDATE ${this.table} SET managed_by = $1, git_commit = $2, drift_source = $3, drift_actor = $4, drift_at = $5
       WHERE tenant = $6 AND key = $7`,
      [ownership.managedBy, ownership.gitCommit, ownership.drift?.source ?? null, ownership.drift?.actor ?? null, ownership.drift?.at ?? null, tenant, key],
    );
  }

  async remove(tenant: string, key: string): Promise<void> {
    await this.pg.db().query(`DELETE FROM ${this.table} WHERE tenant = $1 AND key = $2`, [tenant, key]);
  }

  async removeMany(tenant: string, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.pg.db().query(`DELETE FROM ${this.table} WHERE tenant = $1 AND key = ANY($2::text[])`, [tenant, [...keys]]);
  }

  async activeHashes(tenant: string): Promise<Record<string, string>> {
    const { rows } = await this.pg
      .db()
      .query<{ key: string; hash: string }>(`SELECT key, hash FROM ${this.table} WHERE tenant = $1 AND archived_at IS NULL ORDER BY key`, [tenant]);
    const hashes: Record<string, string> = {};
    for (const row of rows) hashes[row.key] = row.hash;
    return hashes;
  }

  async clearActiveDrift(tenant: string): Promise<void> {
    await this.pg.db().query(
      `UPDATE ${this.table} SET drift_source = NULL, drift_actor = NULL, drift_at = NULL
       WHERE tenant = $1 AND archived_at IS NULL AND drift_source IS NOT NULL`,
      [tenant],
    );
  }

  async setOrder(tenant: string, keys: readonly string[]): Promise<void> {
    if (this.kind !== 'environment') throw new Error(`${this.kind} documents have no declaration order`);
    await this.pg.db().query(
      `UPDATE ${this.table} t SET position = u.ord - 1
       FROM unnest($2::text[]) WITH ORDINALITY AS u(key, ord)
       WHERE t.tenant = $1 AND t.key = u.key`,
      [tenant, [...keys]],
    );
  }
}
