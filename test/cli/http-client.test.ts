// The CLI's HTTP client against real sockets: every failure is one CliError
// with a stable code and a one-line message, never a stack trace.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CliError } from '../../cli/errors.js';
import { ApiClient } from '../../cli/http/client.js';
import { DEFAULT_SERVER, resolveConnection } from '../../cli/http/connection.js';
import { ServerRefusal } from '../../cli/http/server-refusal.js';
import { closedPort, json, startStub, type StubServer } from './support/stub-server.js';

let stub: StubServer | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

/** `token: null` for a connection without one. */
const client = (server: string, token: string | null = 't0k3n', timeoutMs = 5_000) => new ApiClient({ server, token: token ?? undefined, timeoutMs });

async function failure(promise: Promise<unknown>): Promise<CliError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CliError);
  const cliError = error as CliError;
  expect(cliError.message).not.toContain('\n');
  return cliError;
}

describe('resolveConnection', () => {
  it('takes flags first, then FF_SERVER / FF_TOKEN, then the default server', () => {
    expect(resolveConnection({}, {})).toEqual({ server: DEFAULT_SERVER, token: undefined, timeoutMs: 60_000 });
    expect(resolveConnection({}, { FF_SERVER: 'https://ff.example/', FF_TOKEN: ' abc ', FF_TIMEOUT: '2.5' })).toEqual({
      server: 'https://ff.example',
      token: 'abc',
      timeoutMs: 2_500,
    });
    expect(resolveConnection({ server: 'http://a:1', token: 'x' }, { FF_SERVER: 'http://b', FF_TOKEN: 'y' })).toMatchObject({ server: 'http://a:1', token: 'x' });
  });

  it('refuses a server that is not an http(s) URL and a bad timeout', () => {
    expect(() => resolveConnection({ server: 'localhost:8000' }, {})).toThrow(/not an http\(s\) URL/);
    expect(() => resolveConnection({ server: 'ftp://x' }, {})).toThrow(CliError);
    expect(() => resolveConnection({}, { FF_TIMEOUT: '0' })).toThrow(/FF_TIMEOUT=0/);
  });
});

describe('ApiClient', () => {
  it('sends the token, the tenant and JSON, and returns the parsed body', async () => {
    stub = await startStub((_req, res) => json(res, 200, { ok: true }));
    const body = await client(stub.url).post<{ ok: boolean }>('/v1/apply', { tenant: 'acme', body: { a: 1 }, query: { x: 'y z', none: undefined } });
    expect(body).toEqual({ ok: true });
    const [request] = stub.requests;
    expect(request).toMatchObject({ method: 'POST', url: '/v1/apply?x=y+z', body: '{"a":1}' });
    expect(request?.headers).toMatchObject({ authorization: 'Bearer t0k3n', 'x-tenant-id': 'acme', 'content-type': 'application/json' });
  });

  it('needs a token before it sends anything', async () => {
    stub = await startStub((_req, res) => json(res, 200, {}));
    const error = await failure(client(stub.url, null).get('/v1/state'));
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.message).toMatch(/--token or set FF_TOKEN/);
    expect(stub.requests).toHaveLength(0);
  });

  it('says the server is unreachable when nothing listens', async () => {
    const port = await closedPort();
    const error = await failure(client(`http://127.0.0.1:${port}`).get('/v1/state'));
    expect(error.code).toBe('SERVER_UNREACHABLE');
    expect(error.message).toBe(`cannot reach the ff server at http://127.0.0.1:${port} (ECONNREFUSED): is it running? Point --server or FF_SERVER at it`);
  });

  it('gives up after the timeout', async () => {
    stub = await startStub(() => undefined); // never answers
    const error = await failure(client(stub.url, 't', 200).get('/v1/state'));
    expect(error.code).toBe('SERVER_UNREACHABLE');
    expect(error.message).toContain('did not answer within 0.2 s');
  });

  it('maps 401, 403 and 5xx to one line each', async () => {
    const answers: Record<string, [number, unknown, Record<string, string>?]> = {
      '/401': [401, { error: { code: 'UNAUTHENTICATED', message: 'x', details: [] } }],
      '/403': [403, { error: { code: 'FORBIDDEN', message: 'the token lacks the scope apply', details: [] } }],
      '/500': [500, { error: { code: 'INTERNAL', message: 'internal error', details: [] } }, { 'x-request-id': 'req-7' }],
    };
    stub = await startStub((req, res) => {
      const [status, body, headers] = answers[req.url ?? '']!;
      json(res, status, body, headers);
    });
    expect(await failure(client(stub.url).get('/401'))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await failure(client(stub.url).get('/403'))).toMatchObject({
      code: 'FORBIDDEN',
      message: 'the token may not do this: GET /403 was refused (403: the token lacks the scope apply); check its scopes and tenants',
    });
    expect(await failure(client(stub.url).get('/500'))).toMatchObject({
      code: 'SERVER_ERROR',
      message: `the server at ${stub.url} failed on GET /500 (500 INTERNAL, request id req-7); its log has the cause`,
    });
  });

  it('turns a 4xx in the server error shape into a ServerRefusal with a mapped code', async () => {
    const details = [{ current_revision: 43, since: [] }];
    stub = await startStub((req, res) => {
      if (req.url === '/stale') json(res, 409, { error: { code: 'STALE_PLAN', message: 'stale', details } });
      else json(res, 409, { error: { code: 'ALREADY_EXISTS', message: 'exists', details: [] } });
    });
    const stale = await failure(client(stub.url).post('/stale'));
    expect(stale).toBeInstanceOf(ServerRefusal);
    expect(stale).toMatchObject({ code: 'STALE_PLAN', apiCode: 'STALE_PLAN', status: 409, details });
    const other = await failure(client(stub.url).post('/other'));
    expect(other).toMatchObject({ code: 'SERVER_REJECTED', message: 'POST /other was refused (409 ALREADY_EXISTS): exists' });
  });

  it('names a tenant the server does not know as an unknown tenant, not as a refusal', async () => {
    stub = await startStub((_req, res) => json(res, 404, { error: { code: 'UNKNOWN_TENANT', message: 'unknown tenant "acmee"', details: [] } }));
    const error = await failure(client(stub.url).get('/v1/audit', { tenant: 'acmee' }));
    expect(error).not.toBeInstanceOf(ServerRefusal);
    expect(error).toMatchObject({
      code: 'UNKNOWN_TENANT',
      message: `unknown tenant "acmee": the server at ${stub.url} has no state for it (check --tenant; a tenant exists once its first \`ff apply\` has run)`,
    });
  });

  it('recognises an answer that is not the ff API (a proxy page)', async () => {
    stub = await startStub((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>Bad gateway</html>');
    });
    const error = await failure(client(stub.url).get('/v1/state'));
    expect(error.code).toBe('SERVER_ERROR');
    const okHtml = await startStub((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>login</html>');
    });
    try {
      expect(await failure(client(okHtml.url).get('/v1/state'))).toMatchObject({ code: 'SERVER_ERROR' });
      expect((await failure(client(okHtml.url).get('/v1/state'))).message).toContain('not the ff API (text/html)');
    } finally {
      await okHtml.close();
    }
  });

  it('sends a JSON body with its length in bytes and reads a large answer whole', async () => {
    let received = '';
    stub = await startStub((req, res, body) => {
      received = `${req.method} ${req.headers['content-length']} ${req.headers['content-type']} ${body}`;
      json(res, 200, { big: 'é'.repeat(300_000) });
    });
    const answer = await client(stub.url).post<{ big: string }>('/v1/plan', { body: { name: 'ü' } });
    expect(answer.big).toHaveLength(300_000);
    expect(received).toBe('POST 13 application/json {"name":"ü"}');
  });

  it('names a connection that drops in the middle of the answer', async () => {
    stub = await startStub((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"partial":');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const error = await failure(client(stub.url).get('/v1/state'));
    expect(error.code).toBe('SERVER_UNREACHABLE');
    expect(error.message).toContain('(ECONNRESET)');
  });

  it('ends a request its caller no longer wants, before the timeout', async () => {
    stub = await startStub(() => undefined); // never answers
    const controller = new AbortController();
    const pending = failure(client(stub.url, 't', 60_000).get('/v1/state/manifest', { signal: controller.signal }));
    setTimeout(() => controller.abort(), 50);
    expect((await pending).code).toBe('SERVER_UNREACHABLE');
  });

  it('speaks TLS to an https:// server (a certificate it cannot trust is named, not ignored)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ff-cli-tls-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-days', '1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
      const tls = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => json(res, 200, {}));
      await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
      try {
        const { port } = tls.address() as AddressInfo;
        const error = await failure(client(`https://127.0.0.1:${port}`).get('/v1/state'));
        expect(error.code).toBe('SERVER_UNREACHABLE');
        expect(error.message).toContain('(DEPTH_ZERO_SELF_SIGNED_CERT)');
      } finally {
        await new Promise((resolve) => tls.close(resolve));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
