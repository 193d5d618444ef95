// A real ff server on a random port (in this process), for the built `ff`
// binary to talk to over HTTP, plus what the GitOps tests read back from it.
import { contentHash } from '../../../core/diff/index.js';
import type { TenantState } from '../../../core/model/index.js';
import { startTestServer, TEST_SECRET, type TestServer } from '../../server/helpers/server.js';
import { runFf, type FfOptions, type FfResult } from './run-ff.js';
import type { StoreKind } from '../../support/postgres.js';

export { TEST_SECRET };

export interface GitopsServer {
  server: TestServer;
  url: string;
  /** An all-scopes token for these tenants, acting as `sub`. */
  token(tenants: string[], sub?: string, scopes?: string[]): Promise<string>;
  close(): Promise<void>;
}

/** `tenants`: states stored before the server starts (source seed), e.g. the example repository; `env`: more server configuration; `store`: which store it runs on. */
export async function startGitopsServer(tenants: TenantState[] = [], env: Record<string, string> = {}, store: StoreKind = 'sqlite'): Promise<GitopsServer> {
  const server = await startTestServer({ tenants, env, store });
  return {
    server,
    url: server.url,
    token: (tenants, sub = 'ci', scopes) => server.token({ tenants, sub, ...(scopes ? { scopes } : {}) }),
    close: () => server.close(),
  };
}

export interface RemoteState {
  tenant: string;
  revision: number;
  state: TenantState;
  resources: Record<string, { managed_by: string; git_commit: string | null; drift?: { source: string; actor: string; at: string } }>;
}

/** GET /v1/state, and the hash a plan would compare (contentHash of the state). */
export async function remoteState(server: TestServer, tenant: string, token: string): Promise<RemoteState & { hash: string }> {
  const reply = await server.call('GET', '/v1/state', { tenant, token });
  if (reply.status !== 200) throw new Error(`GET /v1/state: ${reply.status} ${reply.text}`);
  const body = reply.json as RemoteState;
  return { ...body, hash: contentHash(body.state) };
}

/** Runs the binary against this server with this token (as FF_SERVER / FF_TOKEN, as CI sets them). */
export function ffAgainst(url: string, token: string) {
  return (args: readonly string[], options: FfOptions = {}): Promise<FfResult> =>
    runFf(args, { ...options, env: { FF_SERVER: url, FF_TOKEN: token, ...options.env } });
}

/** The tenant of test/cli/support/temp-repo.ts SMALL_REPO under another key, as files of a flags folder. */
export function tenantFiles(small: Record<string, string>, tenant: string, folder = 'flags'): Record<string, string> {
  return Object.fromEntries(
    Object.entries(small).map(([file, content]) => [
      `${folder}/${file.replace(/^shop\//, `${tenant}/`)}`,
      content.replace(/^tenant: shop$/m, `tenant: ${tenant}`).replace(/\.\.\/\.\.\/schemas\//g, '../../../schemas/'),
    ]),
  );
}
