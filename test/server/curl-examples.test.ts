// scripts/curl-examples.sh and requests.http cover every
// route. Both run against a real server started through `make run`'s start-up
// path (dev mode, seeded from flags/, random port, fresh SQLite file), with a
// token minted as dev mode mints it. Every route registered in the app
// (collected with onRoute, as in route-auth.test.ts) must appear in both files
// AND be served while they run, so a new route without an example fails here.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../server/auth/dev-token.js';
import { loadConfig } from '../../server/config.js';
import { startServer, type Started } from '../../server/start.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCRIPT = path.join(repo, 'scripts', 'curl-examples.sh');
const REQUESTS = path.join(repo, 'requests.http');

interface Route {
  methods: string[];
  url: string;
}

/** `/v1/flags/:key` → a pattern matching `GET "/v1/flags/$FLAG"` or `GET {{host}}/v1/flags/{{flag}}`. */
function examplePattern(route: Route): RegExp {
  const path = route.url
    .split('/')
    .map((segment) => {
      if (segment === '*') return '[^\\s"\'?]+';
      if (segment.startsWith(':')) return '[^/\\s"\'?]+';
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`\\b(?:${route.methods.join('|')})\\s+\\S*?${path}(?=[\\s"'?]|$)`, 'm');
}

/** The routes a run served, from the server's one log line per request. */
function servedRoutes(logText: string): Set<string> {
  const served = new Set<string>();
  for (const line of logText.split('\n')) {
    if (!line.includes('"request completed"')) continue;
    const entry = JSON.parse(line) as { method: string; route: string };
    served.add(`${entry.method} ${entry.route}`);
  }
  return served;
}

const missingFrom = (routes: Route[], served: Set<string>) =>
  routes.filter((r) => !r.methods.some((m) => served.has(`${m} ${r.url}`))).map((r) => `${r.methods.join(',')} ${r.url}`);

describe('curl examples and requests.http cover every route', () => {
  let dir: string;
  let started: Started;
  let token: string;
  let logs = '';
  const routes: Route[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ff-curl-examples-'));
    const config = loadConfig({
      FF_DEV: '1',
      FF_HOST: '127.0.0.1',
      FF_PORT: '0',
      FF_DB_PATH: path.join(dir, 'data', 'ff.db'),
      FF_SEED_DIR: path.join(repo, 'flags'),
      FF_LOG_LEVEL: 'info',
    });
    const logDestination = new Writable({
      write(chunk: Buffer, _enc, cb) {
        logs += chunk.toString('utf8');
        cb();
      },
    });
    started = await startServer(config, {
      logDestination,
      onRoute: (r) => void routes.push({ methods: [r.method].flat().map(String), url: r.url }),
    });
    // As `make run` does in dev mode (server/start.ts): every scope, every tenant.
    token = await mintToken({ secret: config.jwtSecret });
  });
  afterAll(async () => {
    await started?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('collects the registered routes', () => {
    expect(routes.length).toBeGreaterThan(30);
    expect(routes.map((r) => r.url)).toContain('/ofrep/v1/evaluate/flags/:key');
  });

  it('every registered route has an example in scripts/curl-examples.sh and in requests.http', () => {
    const script = readFileSync(SCRIPT, 'utf8');
    const requests = readFileSync(REQUESTS, 'utf8');
    const without = (text: string) => routes.filter((r) => !examplePattern(r).test(text)).map((r) => `${r.methods.join(',')} ${r.url}`);
    expect(without(script), 'routes without a curl example').toEqual([]);
    expect(without(requests), 'routes without a request in requests.http').toEqual([]);
  });

  it('scripts/curl-examples.sh runs clean against the server and calls every route', async () => {
    logs = '';
    const run = await runScript(started.url, token);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain('all routes answered as expected');
    expect(missingFrom(routes, servedRoutes(logs)), 'routes the script did not call').toEqual([]);
  }, 90_000);

  it('the script runs again against the same database (names are unique per run)', async () => {
    const again = await runScript(started.url, token);
    expect(again.code, `${again.stdout}\n${again.stderr}`).toBe(0);
  }, 90_000);

  it('the script stops with exit 1 on an unexpected status (here: a bad token)', async () => {
    const failed = await runScript(started.url, 'not-a-token');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/expected 201, got 401/);
  }, 90_000);

  it('requests.http, sent top to bottom as a REST client would, answers as annotated and calls every route', async () => {
    logs = '';
    const sent = await runHttpFile(readFileSync(REQUESTS, 'utf8'), { host: started.url, token, tenant: 'acme', run: `t${Date.now()}` });
    const wrong = sent.filter((r) => (r.expected === undefined ? r.status < 200 || r.status > 299 : r.status !== r.expected));
    expect(wrong, 'requests answering other than annotated').toEqual([]);
    expect(sent.length).toBeGreaterThan(40);
    expect(missingFrom(routes, servedRoutes(logs)), 'routes requests.http did not call').toEqual([]);
  }, 90_000);
});

/** Runs the script asynchronously: the server answering it lives in this process. */
function runScript(server: string, token: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { PATH: process.env.PATH ?? '', FF_SERVER: server, FF_TOKEN: token };
    execFile('bash', [SCRIPT], { env, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

interface Sent {
  title: string;
  request: string;
  status: number;
  expected: number | undefined;
  body: string;
}

interface Response {
  headers: Headers;
  json: unknown;
}

/**
 * A small runner for the subset of the REST Client format requests.http uses:
 * `@name = value` file variables, `###` separators, `# @name` named requests,
 * `{{var}}`, `{{name.response.body.$.a.b}}` and `{{name.response.headers.H}}`.
 * `overrides` replace file variables (the host, the token…).
 */
async function runHttpFile(text: string, overrides: Record<string, string>): Promise<Sent[]> {
  const vars = new Map<string, string>();
  const responses = new Map<string, Response>();
  const resolve = (s: string, depth = 0): string =>
    s.replace(/\{\{\s*([^}]+?)\s*\}\}/g, (whole, ref: string) => {
      if (depth > 10) throw new Error(`variable loop at ${whole}`);
      const m = /^(\w+)\.response\.(body|headers)\.(.+)$/.exec(ref);
      if (m) {
        const res = responses.get(m[1] as string);
        if (!res) throw new Error(`${whole}: request ${m[1]} has not been sent`);
        if (m[2] === 'headers') return res.headers.get(m[3] as string) ?? '';
        let value: unknown = res.json;
        for (const part of (m[3] as string).replace(/^\$\.?/, '').split('.').filter(Boolean)) value = (value as Record<string, unknown>)?.[part];
        return typeof value === 'string' ? value : JSON.stringify(value);
      }
      const v = overrides[ref] ?? vars.get(ref);
      if (v === undefined) throw new Error(`undefined variable ${whole}`);
      return resolve(v, depth + 1);
    });

  const sent: Sent[] = [];
  for (const block of text.split(/^###.*$/m)) {
    const lines = block.split('\n');
    let name: string | undefined;
    let expected: number | undefined;
    let i = 0;
    let requestLine: string | undefined;
    for (; i < lines.length; i++) {
      const line = (lines[i] as string).trim();
      const variable = /^@(\w+)\s*=\s*(.*)$/.exec(line);
      if (variable) vars.set(variable[1] as string, variable[2] as string);
      else if (/^#\s*@name\s+/.test(line)) name = line.replace(/^#\s*@name\s+/, '');
      else if (/^#\s*expect\s+\d{3}/.test(line)) expected = Number(/\d{3}/.exec(line)?.[0]);
      else if (line === '' || line.startsWith('#') || line.startsWith('//')) continue;
      else {
        requestLine = line;
        i++;
        break;
      }
    }
    if (requestLine === undefined) continue;
    const [method, url] = requestLine.split(/\s+/) as [string, string];
    const headers: Record<string, string> = {};
    for (; i < lines.length && (lines[i] as string).trim() !== ''; i++) {
      const line = lines[i] as string;
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim()] = resolve(line.slice(colon + 1).trim());
    }
    const body = lines.slice(i).join('\n').trim();
    const res = await fetch(resolve(url), { method, headers, ...(body === '' ? {} : { body: resolve(body) }) });
    const resBody = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(resBody);
    } catch {
      json = undefined;
    }
    if (name !== undefined) responses.set(name, { headers: res.headers, json });
    sent.push({ title: block.split('\n')[0]?.trim() ?? '', request: requestLine, status: res.status, expected, body: resBody.slice(0, 300) });
  }
  return sent;
}
