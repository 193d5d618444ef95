// Errors that happen below the routes — the HTTP parser, a closing server, a
// full disk — still answer in the one error shape, with a request id and the
// security headers.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALPHA } from './helpers/fixtures.js';
import { startTestServer, type TestServer } from './helpers/server.js';

interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function parseReplies(raw: string): RawReply[] {
  const replies: RawReply[] = [];
  let rest = raw;
  while (rest.startsWith('HTTP/1.1 ')) {
    const end = rest.indexOf('\r\n\r\n');
    const [statusLine, ...lines] = rest.slice(0, end).split('\r\n');
    const headers: Record<string, string> = {};
    for (const l of lines) headers[l.slice(0, l.indexOf(':')).toLowerCase()] = l.slice(l.indexOf(':') + 1).trim();
    const length = Number(headers['content-length'] ?? 0);
    const body = rest.slice(end + 4, end + 4 + length);
    replies.push({ status: Number(statusLine!.split(' ')[1]), headers, body });
    rest = rest.slice(end + 4 + length);
  }
  return replies;
}

/** Writes `chunks` to a raw TCP connection (calling `between` after each but the last) and reads until the server closes it. */
function rawExchange(url: string, chunks: string[], between: (i: number) => Promise<void> = async () => {}): Promise<RawReply[]> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (data += d));
    socket.on('error', reject);
    socket.on('close', () => resolve(parseReplies(data)));
    socket.on('connect', async () => {
      for (let i = 0; i < chunks.length; i++) {
        socket.write(chunks[i]!);
        if (i < chunks.length - 1) await between(i);
      }
    });
  });
}

const expectOneShape = (r: RawReply, status: number, code: string) => {
  expect(r.status).toBe(status);
  expect(JSON.parse(r.body)).toEqual({ error: { code, message: expect.any(String), details: [] } });
  expect(r.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  expect(r.headers['x-content-type-options']).toBe('nosniff');
  expect(r.headers['content-security-policy']).toContain("default-src 'self'");
};

describe('HTTP protocol errors answer in the one error shape', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ tenants: [ALPHA] });
  });
  afterAll(async () => s.close());

  it('431 for headers over the limit', async () => {
    const [r] = await rawExchange(s.url, [`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`]);
    expectOneShape(r!, 431, 'HEADERS_TOO_LARGE');
  });

  it('400 for a malformed request line', async () => {
    const [r] = await rawExchange(s.url, ['NOT AN HTTP REQUEST\r\n\r\n']);
    expectOneShape(r!, 400, 'BAD_REQUEST');
  });

  it('400 for two different Content-Length headers', async () => {
    const [r] = await rawExchange(s.url, [
      'POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 5\r\n\r\n{}',
    ]);
    expectOneShape(r!, 400, 'BAD_REQUEST');
  });

  it('400 for bad chunked encoding', async () => {
    const key = (await s.call('POST', '/v1/api-keys', { body: { name: 'k', environment: 'production' } })).json.key as string;
    const [r] = await rawExchange(s.url, [
      `POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nX-API-Key: ${key}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n`,
    ]);
    expectOneShape(r!, 400, 'BAD_REQUEST');
  });
});

describe('a full disk', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ tenants: [ALPHA] });
  });
  afterAll(async () => s.close());

  it('answers 503 STORAGE_UNAVAILABLE with Retry-After, and the write changes nothing', async () => {
    const before = (await s.call('GET', '/v1/state')).json.revision;
    // SQLite's own quota: the file may not grow by one page, exactly what a full disk does to a write.
    const pages = s.app.ff.db.pragma('page_count', { simple: true }) as number;
    s.app.ff.db.pragma(`max_page_count = ${pages}`);
    try {
      const big = { key: 'too-big', type: 'object', variants: { big: { text: 'x'.repeat(200_000) }, small: {} }, offVariant: 'small' };
      const r = await s.call('POST', '/v1/flags', { body: big });
      expect(r.status).toBe(503);
      expect(r.json.error.code).toBe('STORAGE_UNAVAILABLE');
      expect(r.headers.get('retry-after')).toBe('30');
    } finally {
      s.app.ff.db.pragma('max_page_count = 4294967294');
    }
    expect((await s.call('GET', '/v1/state')).json.revision).toBe(before);
    expect((await s.call('GET', '/v1/flags/too-big')).status).toBe(404);
  });
});

describe('a request that arrives while the server closes', () => {
  it('gets a 503 in the one shape, with a request id, security headers, Retry-After and Connection: close', async () => {
    const s = await startTestServer({ tenants: [ALPHA] });
    const key = (await s.call('POST', '/v1/api-keys', { body: { name: 'k', environment: 'production' } })).json.key as string;
    const body = JSON.stringify({ flag_key: 'new-checkout', context: { targetingKey: 'u-1' } });
    const head = `POST /v1/evaluate HTTP/1.1\r\nHost: x\r\nX-API-Key: ${key}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    let closed: Promise<void> | undefined;
    // Observes (does not handle) the first request reaching the HTTP server.
    const routed = new Promise((resolve) => s.app.server.once('request', resolve));
    // The first request is routed before close() starts; its body arrives
    // after, together with a second (pipelined) request on the same connection.
    const replies = await rawExchange(s.url, [head + body.slice(0, 5), body.slice(5) + 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'], async () => {
      await routed;
      closed = s.close();
      while (s.app.server.listening) await new Promise((r) => setImmediate(r));
    });
    await closed;
    expect(replies.map((r) => r.status)).toEqual([200, 503]);
    const r = replies[1]!;
    expect(JSON.parse(r.body)).toEqual({ error: { code: 'SERVICE_UNAVAILABLE', message: 'the server is shutting down', details: [] } });
    expect(r.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['retry-after']).toBe('1');
    expect(r.headers.connection).toBe('close');
  });
});
