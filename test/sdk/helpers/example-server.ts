// A real ff server (real SQLite file, real port) holding the example
// repository flags/, and an evaluation API key per environment of tenant acme.
import path from 'node:path';
import { loadRepository } from '../../../core/repo/index.js';
import type { TenantState } from '../../../core/model/index.js';
import { startTestServer, type TestServer } from '../../server/helpers/server.js';

export const EXAMPLE_DIR = path.resolve(import.meta.dirname, '../../../flags');

export interface ExampleServer {
  server: TestServer;
  states: TenantState[];
  /** An all-scopes token for acme and globex. */
  token: string;
  /** API key of `tenant`'s `environment`, created on first use. */
  apiKey(tenant: string, environment: string): Promise<string>;
  /** Edits one flag through PUT /v1/flags/{key} (forced: the example is Git-managed); resolves to the new revision. */
  editFlag(tenant: string, key: string, edit: (flag: any) => void): Promise<number>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function startExampleServer(): Promise<ExampleServer> {
  const loaded = await loadRepository(EXAMPLE_DIR);
  if (loaded.diagnostics.some((d) => d.severity === 'error')) throw new Error('the example repository does not validate');
  const server = await startTestServer({ tenants: loaded.tenants });
  const token = await server.token({ tenants: ['acme', 'globex'], sub: 'sdk-test' });
  const keys = new Map<string, string>();
  return {
    server,
    states: loaded.tenants,
    token,
    async apiKey(tenant, environment) {
      const id = `${tenant}/${environment}`;
      let key = keys.get(id);
      if (key === undefined) {
        const reply = await server.call('POST', '/v1/api-keys', { token, tenant, body: { name: `sdk ${environment}`, environment } });
        if (reply.status !== 201) throw new Error(`POST /v1/api-keys: ${reply.status} ${reply.text}`);
        key = reply.json.key as string;
        keys.set(id, key);
      }
      return key;
    },
    async editFlag(tenant, key, edit) {
      const current = await server.call('GET', `/v1/flags/${key}`, { token, tenant });
      if (current.status !== 200) throw new Error(`GET /v1/flags/${key}: ${current.status} ${current.text}`);
      const doc = structuredClone(current.json.data);
      edit(doc);
      const put = await server.call('PUT', `/v1/flags/${key}?force=true`, { token, tenant, body: doc, headers: { 'if-match': '*' } });
      if (put.status !== 200) throw new Error(`PUT /v1/flags/${key}: ${put.status} ${put.text}`);
      return Number(put.headers.get('etag')?.replaceAll('"', ''));
    },
  };
}
