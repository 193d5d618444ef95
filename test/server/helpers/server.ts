import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { TenantState } from '../../../core/model/index.js';
import { buildApp, type AppDeps } from '../../../server/app.js';
import { mintToken, type TokenRequest } from '../../../server/auth/dev-token.js';
import { loadConfig, type ServerConfig } from '../../../server/config.js';
import { replaceTenantState } from '../../../server/features/state/replace-state.js';
import { createTestDatabase, type StoreKind, type TestDatabase } from '../../support/postgres.js';

export const TEST_SECRET = 'test-secret-that-is-at-least-32-bytes-long!';

export interface Call {
  token?: string | null;
  apiKey?: string;
  tenant?: string | null;
  body?: unknown;
  /** Raw body string (sent as is). */
  raw?: string;
  headers?: Record<string, string>;
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface TestServer {
  app: FastifyInstance;
  url: string;
  dir: string;
  config: ServerConfig;
  /** Every log line written so far, parsed. */
  logs: Record<string, unknown>[];
  rawLogs: () => string;
  token(req?: Omit<TokenRequest, 'secret'>): Promise<string>;
  /** An all-scopes token for tenant `alpha`. */
  adminToken: string;
  call(method: string, urlPath: string, call?: Call): Promise<Reply>;
  /**
   * Runs SQL on the server's own database, whichever store it is: written
   * with PostgreSQL's $1, $2… placeholders (in order; SQLite gets ?).
   * Returns the rows.
   */
  sql(query: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export interface StartOptions {
  tenants?: TenantState[];
  env?: Record<string, string>;
  deps?: AppDeps;
  /** false: return as soon as the server listens, before the index has loaded (readiness tests). */
  awaitReady?: boolean;
  /** The store to run on (default sqlite); postgres: a fresh database on the run's PostgreSQL server. */
  store?: StoreKind;
  /** PostgreSQL: this database instead of a fresh one (several servers sharing one, as replicas). */
  database?: TestDatabase;
}

/**
 * A real app on a random port with a real SQLite file in a fresh temp dir,
 * or (store: postgres) a real PostgreSQL database of its own.
 */
export async function startTestServer(opts: StartOptions = {}): Promise<TestServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ff-server-test-'));
  const own = opts.store === 'postgres' && opts.database === undefined ? await createTestDatabase() : undefined;
  const database = opts.database ?? own;
  const config = loadConfig({
    ...(opts.store === 'postgres' && database !== undefined ? { FF_DATABASE_URL: database.url } : {}),
    FF_JWT_SECRET: TEST_SECRET,
    FF_DB_PATH: path.join(dir, 'data', 'ff.db'),
    FF_PORT: '0',
    FF_LOG_LEVEL: 'info',
    FF_SEED_DIR: path.join(dir, 'no-seed'),
    ...opts.env,
  });
  let raw = '';
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      raw += chunk.toString('utf8');
      cb();
    },
  });
  const app = await buildApp(config, { logDestination: destination, ...opts.deps });
  if ((opts.tenants ?? []).length > 0) await app.ff.storeReady();
  const ctx = { actor: 'test-seed', source: 'seed' as const, requestId: null, commit: null, now: new Date().toISOString() };
  for (const state of opts.tenants ?? []) {
    await replaceTenantState(app.ff.stores, app.ff.listener, ctx, state, { allowDelete: true });
  }
  await app.listen({ host: '127.0.0.1', port: 0 });
  if (opts.awaitReady !== false) await app.ff.whenReady();
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  const token = (req: Omit<TokenRequest, 'secret'> = {}) => mintToken({ secret: TEST_SECRET, ...req });
  const adminToken = await token({ tenants: ['alpha'], sub: 'alice' });

  const call = async (method: string, urlPath: string, c: Call = {}): Promise<Reply> => {
    const headers: Record<string, string> = { ...c.headers };
    const bearer = c.token === undefined ? adminToken : c.token;
    if (bearer !== null && c.apiKey === undefined) headers.authorization = `Bearer ${bearer}`;
    if (c.apiKey !== undefined) headers['x-api-key'] = c.apiKey;
    const tenant = c.tenant === undefined ? 'alpha' : c.tenant;
    if (tenant !== null) headers['x-tenant-id'] = tenant;
    let body: string | undefined;
    if (c.raw !== undefined) body = c.raw;
    else if (c.body !== undefined) body = JSON.stringify(c.body);
    if (body !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
    const res = await fetch(url + urlPath, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await res.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  };

  return {
    app,
    url,
    dir,
    config,
    get logs() {
      return raw
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    },
    rawLogs: () => raw,
    token,
    adminToken,
    call,
    sql: async (query, params = []) => {
      const pg = app.ff.postgres;
      if (pg !== undefined) return (await pg.pool.query(query, params)).rows as Record<string, unknown>[];
      const statement = app.ff.db.prepare(query.replace(/\$\d+/g, '?'));
      if (!statement.reader) {
        statement.run(...params);
        return [];
      }
      return statement.all(...params) as Record<string, unknown>[];
    },
    close: async () => {
      await app.close();
      await own?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
