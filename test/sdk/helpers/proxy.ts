// A real HTTP proxy in front of a real ff server, to take the network away
// from an SDK and give it back: `down` refuses every request (the socket is
// destroyed, as when the server is gone), `cut()` drops open connections (the
// stream among them), `blockStream` answers 503 to GET /v1/stream only, and
// `blockConfig` the same to GET /v1/config, `rewriteConfig` alters GET /v1/config bodies in transit. It records what
// the SDK asked for, so tests can check headers (If-None-Match, Last-Event-ID).
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ProxiedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  status?: number;
}

export interface Proxy {
  url: string;
  requests: ProxiedRequest[];
  down: boolean;
  blockStream: boolean;
  /** Answer 503 to GET /v1/config only. */
  blockConfig: boolean;
  rewriteConfig: ((body: unknown) => unknown) | undefined;
  /** Destroys every open connection (client and upstream). */
  cut(): void;
  close(): Promise<void>;
}

export async function startProxy(target: string): Promise<Proxy> {
  const sockets = new Set<Socket>();
  const upstreams = new Set<http.ClientRequest>();
  const state: Proxy = {
    url: '',
    requests: [],
    down: false,
    blockStream: false,
    blockConfig: false,
    rewriteConfig: undefined,
    cut() {
      for (const u of upstreams) u.destroy();
      for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise((resolve) => {
        state.cut();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer((req, res) => {
    const record: ProxiedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers };
    state.requests.push(record);
    if (state.down) {
      req.socket.destroy();
      return;
    }
    const pathname = new URL(record.path, 'http://x').pathname;
    if ((state.blockStream && pathname === '/v1/stream') || (state.blockConfig && pathname === '/v1/config')) {
      record.status = 503;
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"code":"SERVICE_UNAVAILABLE","message":"blocked by the test proxy"}}');
      return;
    }
    const rewrite = pathname === '/v1/config' ? state.rewriteConfig : undefined;
    const upstream = http.request(new URL(record.path, target), { method: req.method, headers: req.headers }, (up) => {
      record.status = up.statusCode;
      if (rewrite === undefined || up.statusCode !== 200) {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
        return;
      }
      const chunks: Buffer[] = [];
      up.on('data', (c: Buffer) => chunks.push(c));
      up.on('end', () => {
        const body = JSON.stringify(rewrite(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
        const headers = { ...up.headers, 'content-length': String(Buffer.byteLength(body)) };
        res.writeHead(200, headers).end(body);
      });
    });
    upstreams.add(upstream);
    upstream.on('close', () => upstreams.delete(upstream));
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}
