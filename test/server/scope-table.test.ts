// docs/auth.md's "Scopes per route" table is the route table as users read it:
// every route is in it with exactly the scopes its config.auth demands.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** "METHOD /path" → the scopes the table lists ("public" for none), read from the markdown. */
function documentedScopes(): Map<string, string[]> {
  const text = readFileSync(path.join(repo, 'docs', 'auth.md'), 'utf8');
  const section = text.slice(text.indexOf('## Scopes per route'));
  const rows = section.split('\n').filter((l) => /^\| (GET|POST|PUT|DELETE)/.test(l));
  const table = new Map<string, string[]>();
  for (const row of rows) {
    const [methods, paths, auth, scopes] = row.split('|').slice(1, 5).map((c) => c.trim()) as [string, string, string, string];
    const listed = auth === 'public' ? ['public'] : [...scopes.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
    for (const method of methods.split(',').map((m) => m.trim())) {
      for (const [, p] of paths.matchAll(/`([^`]+)`/g)) table.set(`${method} ${p!.replace(/…$/, '')}`, listed);
    }
  }
  return table;
}

describe('docs/auth.md scope table', () => {
  const routes: RouteOptions[] = [];
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ deps: { onRoute: (r) => void routes.push(r) } });
  });
  afterAll(async () => s.close());

  it('lists every route with exactly its scopes', () => {
    const table = documentedScopes();
    const missing: string[] = [];
    for (const route of routes) {
      if (route.url.startsWith('/docs')) continue; // Swagger UI's own routes: the table says `/docs…`
      const auth = route.config?.auth;
      for (const method of [route.method].flat()) {
        const id = `${String(method)} ${route.url.replace(/:([A-Za-z]+)/g, '{$1}')}`;
        const listed = table.get(id);
        if (listed === undefined) {
          missing.push(id);
          continue;
        }
        // For the same method, a route is listed once; with several methods the
        // table may mix them in one row (`POST, PUT, DELETE` over several paths).
        const expected = auth === undefined || auth.kind === 'public' ? ['public'] : [...auth.scopes];
        expect(listed, id).toEqual(expected);
      }
    }
    expect(missing).toEqual([]);
  });
});
