import type { ApiKeyView, CreatedApiKey, ListPage } from '../http/api-types.js';
import type { ApiClient } from '../http/client.js';

export interface KeyListRequest {
  tenant: string;
  environment?: string | undefined;
  state: 'active' | 'revoked' | 'all';
}

export function createKey(client: ApiClient, tenant: string, environment: string, name: string): Promise<CreatedApiKey> {
  return client.post<CreatedApiKey>('/v1/api-keys', { tenant, body: { name, environment } });
}

/** Every key (following the cursor), in the server's order (by id). */
export async function listKeys(client: ApiClient, request: KeyListRequest): Promise<ApiKeyView[]> {
  const keys: ApiKeyView[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.get<ListPage<ApiKeyView>>('/v1/api-keys', {
      tenant: request.tenant,
      query: { limit: 200, cursor, state: request.state, environment: request.environment },
    });
    keys.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined);
  return keys;
}

export function revokeKey(client: ApiClient, tenant: string, id: string): Promise<ApiKeyView> {
  return client.delete<ApiKeyView>(`/v1/api-keys/${encodeURIComponent(id)}`, { tenant });
}
