import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PUBLIC } from '../../auth/route-auth.js';
import type { ServerConfig } from '../../config.js';
import { ApiError } from '../../errors.js';
import type { ConsoleConfig } from './console-config.js';

export type { ConsoleConfig };

interface Asset {
  body: Buffer;
  type: string;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json; charset=utf-8',
};

// Hashed names never change content; the page itself is revalidated on every load.
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

/**
 * Where `make build` writes the console (scripts/build-console.mjs): dist/console, found from
 * this module whether it runs compiled (dist/server/features/console) or from source.
 */
export function defaultConsoleDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const up = path.resolve(here, '../../..');
  return path.basename(up) === 'dist' ? path.join(up, 'console') : path.join(up, 'dist', 'console');
}

/**
 * The console's Content-Security-Policy: scripts and styles from this origin
 * only (no inline code of either kind), requests to this origin and the
 * identity provider's (discovery and token endpoints), nothing framed.
 */
export function consoleCsp(config: Pick<ServerConfig, 'consoleOidc'>): string {
  const connect = ["'self'", ...(config.consoleOidc ? [new URL(config.consoleOidc.issuer).origin] : [])];
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src ${connect.join(' ')}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function loadAssets(dir: string): { index: Buffer | null; assets: Map<string, Asset> } {
  const assets = new Map<string, Asset>();
  const indexFile = path.join(dir, 'index.html');
  if (!existsSync(indexFile)) return { index: null, assets };
  const assetDir = path.join(dir, 'assets');
  for (const name of existsSync(assetDir) ? readdirSync(assetDir) : []) {
    const type = TYPES[path.extname(name)];
    if (type !== undefined) assets.set(name, { body: readFileSync(path.join(assetDir, name)), type });
  }
  return { index: readFileSync(indexFile), assets };
}

/**
 * The console at /ui: the built page and its hashed assets, read into memory
 * once at start-up. Public, like /docs: the page holds no data; every call it
 * makes is an API call with the user's own token, checked like any other.
 */
export function registerConsoleRoutes(app: FastifyInstance, deps: { config: Pick<ServerConfig, 'consoleOidc'>; dir?: string }): void {
  const { index, assets } = loadAssets(deps.dir ?? defaultConsoleDir());
  const csp = consoleCsp(deps.config);
  const config = { auth: PUBLIC, contentSecurityPolicy: false as const };
  const schema = { hide: true };
  const secured = (reply: FastifyReply) => reply.header('content-security-policy', csp);
  // The page is revalidated on every load: its ETag (a digest of the bytes) lets the answer be a 304 until a new build.
  const indexEtag = index === null ? null : `"${createHash('sha256').update(index).digest('base64url').slice(0, 22)}"`;
  const fresh = (request: FastifyRequest, etag: string) =>
    (request.headers['if-none-match'] ?? '')
      .split(',')
      .map((t) => t.trim().replace(/^W\//, ''))
      .some((t) => t === etag || t === '*');
  const consoleConfig: ConsoleConfig = {
    oidc: deps.config.consoleOidc
      ? { issuer: deps.config.consoleOidc.issuer, client_id: deps.config.consoleOidc.clientId, scope: deps.config.consoleOidc.scope }
      : null,
  };

  // HEAD as well as GET for the page and its assets (link checkers, load balancers' probes, curl -I);
  // the server turns HEAD off elsewhere (server/app.ts), so only these routes answer it.
  const methods: ['HEAD', 'GET'] = ['HEAD', 'GET'];

  app.route({ method: methods, url: '/ui', config, schema, handler: async (_request, reply) => reply.redirect('/ui/', 302) });

  app.route({
    method: methods,
    url: '/ui/',
    config,
    schema,
    handler: async (request, reply) => {
      if (index === null || indexEtag === null) throw new ApiError(404, 'NOT_FOUND', 'the console is not built: run make build');
      secured(reply).header('cache-control', REVALIDATE).header('etag', indexEtag);
      if (fresh(request, indexEtag)) return reply.code(304).send();
      return reply.type('text/html; charset=utf-8').send(index);
    },
  });

  app.get('/ui/config.json', {
    config,
    schema,
    handler: async (_request, reply) => secured(reply).header('cache-control', REVALIDATE).send(consoleConfig),
  });

  app.route<{ Params: { file: string } }>({
    method: methods,
    url: '/ui/assets/:file',
    config,
    schema,
    handler: async (request, reply) => {
      const asset = assets.get(request.params.file);
      if (asset === undefined) throw new ApiError(404, 'NOT_FOUND', 'no such console asset');
      return secured(reply).header('cache-control', IMMUTABLE).type(asset.type).send(asset.body);
    },
  });
}
