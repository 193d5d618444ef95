// deploy/nginx/nginx.conf run by a real nginx in front of two real ff
// replicas on one database (the store matrix: one SQLite file, or one
// PostgreSQL database, the topology compose.yaml stands for): the configuration as compose.yaml mounts it, with
// only the addresses changed (the replicas' ports here instead of ff-1:8000 and
// ff-2:8000, a free port instead of 8080) and nginx's own files (pid, access
// log, temp folders) in a temp dir.
// nginx is Debian's package: `make test` installs it when missing
// (scripts/ensure-test-tools.sh); without it this test fails and says so.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../cli/support/run-ff.js';
import { ALPHA } from '../server/helpers/fixtures.js';
import { startTestServer, type TestServer } from '../server/helpers/server.js';
import { createTestDatabase, storeMatrix, type TestDatabase } from '../support/postgres.js';

const NGINX = [process.env.FF_NGINX, '/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => p !== undefined && existsSync(p));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** The real configuration, pointed at local addresses, its files kept in `dir`. */
function localConfig(dir: string, port: number, upstreams: string[]): string {
  let text = readFileSync(join(ROOT, 'deploy/nginx/nginx.conf'), 'utf8');
  const servers = [...text.matchAll(/^(\s*server )ff-\d+:8000( [^;]*;)$/gm)];
  expect(servers).toHaveLength(upstreams.length);
  servers.forEach((m, i) => (text = text.replace(m[0], `${m[1]}${upstreams[i]}${m[2]}`)));
  const replace = (from: RegExp, to: string) => {
    expect(text).toMatch(from);
    text = text.replace(from, to);
  };
  replace(/^\s*listen 8080;$/m, `    listen 127.0.0.1:${port};`);
  replace(/^pid .*;$/m, `pid ${dir}/nginx.pid;`);
  // A pipe from this process is a socket, which /dev/stdout cannot open.
  replace(/^\s*access_log \/dev\/stdout;$/m, `  access_log ${dir}/access.log;`);
  replace(/^http \{$/m, `http {\n  client_body_temp_path ${dir}/body;\n  proxy_temp_path ${dir}/proxy;`);
  return text;
}

describe.each(storeMatrix())('nginx in front of two replicas ($store store)', ({ store }) => {
  let database: TestDatabase | undefined;
  let a: TestServer;
  let b: TestServer;
  let nginx: ChildProcess | undefined;
  let dir: string;
  let lb: string;
  let stderr = '';

  beforeAll(async () => {
    if (NGINX === undefined) throw new Error('nginx is not installed: apt-get install -y nginx (make test does), or set FF_NGINX');
    database = store === 'postgres' ? await createTestDatabase() : undefined;
    const shared = database === undefined ? {} : { database };
    a = await startTestServer({ store, ...shared, tenants: [ALPHA] });
    b = await startTestServer({ store, ...shared, env: { FF_DB_PATH: a.config.dbPath } });
    // Each replica follows the other's commits, as separate processes do.
    await a.app.watchers.start();
    await b.app.watchers.start();
    dir = mkdtempSync(join(tmpdir(), 'ff-nginx-'));
    mkdirSync(join(dir, 'logs'));
    // nginx's workers drop root (to `nobody`) and write large bodies to these.
    chmodSync(dir, 0o755);
    for (const temp of ['body', 'proxy']) {
      mkdirSync(join(dir, temp));
      chmodSync(join(dir, temp), 0o777);
    }
    const port = await freePort();
    writeFileSync(join(dir, 'nginx.conf'), localConfig(dir, port, [a.url, b.url].map((u) => new URL(u).host)));
    lb = `http://127.0.0.1:${port}`;
    nginx = spawn(NGINX, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
    nginx.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    for (let attempt = 0; attempt < 200; attempt++) {
      if (nginx.exitCode !== null) throw new Error(`nginx exited: ${stderr}`);
      const ok = await fetch(`${lb}/lb-health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`nginx did not start: ${stderr}`);
  });

  afterAll(async () => {
    if (nginx !== undefined && nginx.exitCode === null) {
      const exited = new Promise((r) => nginx!.once('exit', r));
      nginx.kill('SIGQUIT');
      await exited;
    }
    await b?.close().catch(() => undefined);
    await a?.close();
    await database?.drop();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  const call = (path: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
    fetch(lb + path, { ...init, headers: { authorization: `Bearer ${a.adminToken}`, 'x-tenant-id': 'alpha', ...init.headers } });

  it('nginx -t accepts the configuration', () => {
    const r = spawnSync(NGINX!, ['-t', '-p', dir, '-c', join(dir, 'nginx.conf')], { encoding: 'utf8' });
    expect(r.stderr).toContain('syntax is ok');
    expect(r.status).toBe(0);
  });

  it('spreads requests over both replicas, and passes the request id through', async () => {
    for (let i = 0; i < 6; i++) {
      const r = await call('/v1/flags?limit=1', { headers: { 'x-request-id': `lb-${i}` } });
      expect(r.status).toBe(200);
      expect(r.headers.get('x-request-id')).toBe(`lb-${i}`);
    }
    const served = (s: TestServer) => s.logs.filter((l) => String(l.request_id).startsWith('lb-')).length;
    expect(served(a)).toBeGreaterThan(0);
    expect(served(b)).toBeGreaterThan(0);
    expect(served(a) + served(b)).toBe(6);
    // Without one, nginx's own id reaches the replica's log and the response.
    const r = await call('/readyz');
    expect(await r.text()).toBe('ready');
    expect(r.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('delivers a change-stream event through the proxy while the stream stays open', async () => {
    const stream = await call('/v1/stream?environment=production');
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = stream.body!.getReader();
    const decoder = new TextDecoder();
    let seen = '';
    const until = async (pattern: RegExp) => {
      while (!pattern.test(seen)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${pattern}: ${seen}`);
        seen += decoder.decode(value, { stream: true });
      }
    };
    await until(/: connected; revision \d+/);
    // The write may reach either replica: the other learns of it from the database.
    const current = await call('/v1/flags/banner-text');
    const doc = ((await current.json()) as { data: Record<string, unknown> }).data;
    const put = await call('/v1/flags/banner-text', {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'if-match': current.headers.get('etag')! },
      body: JSON.stringify({ ...doc, description: 'changed through the load balancer' }),
    });
    expect(put.status).toBe(200);
    await until(/event: revision\ndata: \{[^\n]*"changed":\["banner-text"\]/);
    await reader.cancel();
  });

  it('a body over the server’s limit is refused by the server, in its error shape', async () => {
    const r = await call('/v1/flags', { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"key":"${'x'.repeat(2 * 1024 * 1024)}"}` });
    expect(r.status, await r.clone().text()).toBe(413);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('keeps serving when one replica is gone', async () => {
    await b.close();
    for (let i = 0; i < 6; i++) {
      const r = await call('/v1/flags?limit=1');
      expect(r.status).toBe(200);
    }
  });
});
