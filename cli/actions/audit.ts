import { commitUrl } from '../git/commit-url.js';
import type { AuditItem, ListPage } from '../http/api-types.js';
import type { ApiClient } from '../http/client.js';

export interface AuditRequest {
  tenant: string;
  flag?: string | undefined;
  commit?: string | undefined;
  limit: number;
}

/** An audit row with the link to its commit, when the remote is on a forge we know. */
export interface AuditEntry extends AuditItem {
  commit_url: string | null;
}

/** The server's largest page (FF_MAX_PAGE_SIZE default). */
const PAGE = 200;

/** `ff audit`: newest first, following the server's cursor until `limit` rows. */
export async function readAudit(client: ApiClient, request: AuditRequest): Promise<AuditEntry[]> {
  const rows: AuditItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.get<ListPage<AuditItem>>('/v1/audit', {
      tenant: request.tenant,
      query: {
        limit: Math.min(PAGE, request.limit - rows.length),
        cursor,
        ...(request.flag === undefined ? {} : { resource: 'flag', key: request.flag }),
        commit: request.commit,
      },
    });
    rows.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined && rows.length < request.limit);
  return rows.slice(0, request.limit).map((row) => ({
    ...row,
    commit_url: row.commit ? (commitUrl(row.commit.remote_url ?? row.commit.remote, row.commit.sha) ?? null) : null,
  }));
}
