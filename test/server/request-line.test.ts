// The request log line is built by hand (request-line.ts) instead of by pino:
// it must be byte for byte the line pino writes for the same fields with the
// server's logger options, for every level and for values that need escaping.
// Then, through a real server: the exact shape of the line a request writes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/observability/logger.js';
import { requestLine, type RequestLineLevel } from '../../server/observability/request-line.js';
import { ALPHA } from './helpers/fixtures.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const TIMESTAMP = ',"timestamp":"2026-12-03T13:00:00.123Z"';

function pinoLine(level: RequestLineLevel, fields: Record<string, unknown>): string {
  const lines: string[] = [];
  const logger = createLogger('info', { write: (s: string) => void lines.push(s) }, () => TIMESTAMP);
  logger[level](fields, 'request completed');
  expect(lines).toHaveLength(1);
  return lines[0] as string;
}

interface Case {
  level: RequestLineLevel;
  requestId: string;
  method: string;
  path: string;
  route: string;
  status: number;
  tenant: string | undefined;
  durationMs: number;
}

const CASES: Case[] = [
  { level: 'info', requestId: '0b7e1f52-3c39-4d2c-9d3e-1a2b3c4d5e6f', method: 'POST', path: '/v1/evaluate', route: '/v1/evaluate', status: 200, tenant: 'acme', durationMs: 0.412 },
  { level: 'error', requestId: 'trace-42', method: 'GET', path: '/v1/flags/x', route: '/v1/flags/:key', status: 500, tenant: 'alpha', durationMs: 12 },
  { level: 'info', requestId: 'r', method: 'GET', path: '/nope', route: 'not_found', status: 404, tenant: undefined, durationMs: 0 },
  // A claimed X-Tenant-ID and a raw path are the caller's text: quotes, backslashes, controls, Latin-1, long.
  { level: 'info', requestId: 'a.b:c_d-e', method: 'DELETE', path: '/v1/flags/a"b\\c%22', route: '/v1/flags/:key', status: 401, tenant: 'x"y\\z\u0001\t\u00e9', durationMs: 1.5 },
  { level: 'info', requestId: 'r', method: 'GET', path: `/${'long/'.repeat(40)}`, route: 'not_found', status: 404, tenant: 'é'.repeat(64), durationMs: 123456.789 },
];

describe('the request log line', () => {
  it.each(CASES)('is byte for byte pino’s line ($level $status $path)', (c) => {
    const expected = pinoLine(c.level, {
      request_id: c.requestId,
      method: c.method,
      path: c.path,
      route: c.route,
      status: c.status,
      tenant: c.tenant,
      duration_ms: c.durationMs,
    });
    expect(requestLine(c.level, TIMESTAMP, c.requestId, c.method, c.path, c.route, c.status, c.tenant, c.durationMs)).toBe(expected);
  });

  it('is one JSON line with the fields in this order', () => {
    const line = requestLine('info', TIMESTAMP, 'trace-42', 'GET', '/v1/flags', '/v1/flags', 200, 'alpha', 0.25);
    expect(line).toBe(
      '{"level":"info","timestamp":"2026-12-03T13:00:00.123Z","request_id":"trace-42","method":"GET","path":"/v1/flags","route":"/v1/flags","status":200,"tenant":"alpha","duration_ms":0.25,"message":"request completed"}\n',
    );
  });
});

describe('the request log line through the server', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ tenants: [ALPHA] });
  });
  afterAll(async () => s.close());

  const lineOf = (requestId: string): string => {
    const lines = s
      .rawLogs()
      .split('\n')
      .filter((l) => l.includes(`"request_id":"${requestId}"`));
    expect(lines).toHaveLength(1);
    return lines[0] as string;
  };

  it('a served request: timestamp, level, request_id, method, path (no query), route, status, tenant, duration, message', async () => {
    await s.call('GET', '/v1/flags?limit=1', { headers: { 'x-request-id': 'line-shape-1' } });
    expect(lineOf('line-shape-1')).toMatch(
      /^\{"level":"info","timestamp":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z","request_id":"line-shape-1","method":"GET","path":"\/v1\/flags","route":"\/v1\/flags","status":200,"tenant":"alpha","duration_ms":\d+(\.\d+)?,"message":"request completed"\}$/,
    );
  });

  it('a refused request with a hostile X-Tenant-ID: the claimed tenant escaped, still one JSON line', async () => {
    const claimed = 'a"b\\c';
    const r = await s.call('GET', '/v1/flags', { token: null, tenant: null, headers: { 'x-request-id': 'line-shape-2', 'x-tenant-id': claimed } });
    expect(r.status).toBe(401);
    const line = lineOf('line-shape-2');
    expect(JSON.parse(line)).toMatchObject({ level: 'info', status: 401, route: '/v1/flags', tenant: claimed, message: 'request completed' });
    expect(Object.keys(JSON.parse(line) as object)).toEqual(['level', 'timestamp', 'request_id', 'method', 'path', 'route', 'status', 'tenant', 'duration_ms', 'message']);
  });
});
