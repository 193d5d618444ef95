// Closing waits for every open connection. An open event stream ends when
// the server closes, and its connection with it (Connection: close), so a
// subscriber does not hold the shutdown for the keep-alive timeout (72 s).
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { ALPHA } from './helpers/fixtures.js';
import { startTestServer } from './helpers/server.js';

describe('shutdown with an event stream open on a keep-alive connection', () => {
  it('ends the stream, closes its connection, and finishes closing', async () => {
    const s = await startTestServer({ tenants: [ALPHA] });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
        const req = http.get(`${s.url}/v1/stream?environment=production`, { agent, headers: { authorization: `Bearer ${s.adminToken}`, 'x-tenant-id': 'alpha' } }, resolve);
        req.on('error', reject);
      });
      expect(response.statusCode).toBe(200);
      expect(response.headers.connection).toBe('close');
      const ended = new Promise<void>((resolve) => {
        response.on('end', () => resolve());
        response.resume();
      });
      // Resolves only once the connection is gone (otherwise after the keep-alive timeout: the test times out).
      await s.app.close();
      await ended;
    } finally {
      agent.destroy();
      await s.close().catch(() => {});
    }
  }, 20_000);
});
