// One HTTP exchange for the CLI, on node:http(s). Node's global fetch would do
// as well, but loading it (undici) costs ~30 ms of CPU in every process that
// talks to the server: more than `ff plan` spends on its own requests.
import http from 'node:http';
import https from 'node:https';

export interface SentRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface Answer {
  status: number;
  /** A response header by lower-case name; the first value when repeated. */
  header(name: string): string | undefined;
  text: string;
}

function named(name: 'TimeoutError' | 'AbortError', message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/**
 * Sends the request and reads the whole answer as UTF-8 text. Fails with the
 * socket's error (its `code`: ECONNREFUSED, ENOTFOUND…), or an error named
 * TimeoutError when the answer is not complete within `timeoutMs`, or
 * AbortError when `signal` ends it first.
 */
export function send(request: SentRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    if (request.signal?.aborted) return reject(named('AbortError', 'request aborted'));
    const transport = request.url.protocol === 'https:' ? https : http;
    const headers: Record<string, string | number> = { ...request.headers };
    if (request.body !== undefined) headers['content-length'] = Buffer.byteLength(request.body);
    let settled = false;
    const finish = (error: Error | undefined, answer?: Answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
      if (error === undefined) resolve(answer!);
      else reject(error);
    };
    const req = transport.request(request.url, { method: request.method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (error) => finish(error));
      res.on('aborted', () => finish(Object.assign(new Error('the connection closed before the answer was complete'), { code: 'ECONNRESET' })));
      res.on('end', () => {
        const raw = res.headers;
        finish(undefined, {
          status: res.statusCode ?? 0,
          header: (name) => {
            const value = raw[name];
            return Array.isArray(value) ? value[0] : value;
          },
          text: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    const timer = setTimeout(() => {
      const error = named('TimeoutError', `no complete answer within ${request.timeoutMs} ms`);
      finish(error);
      req.destroy(error);
    }, request.timeoutMs);
    const onAbort = () => {
      const error = named('AbortError', 'request aborted');
      finish(error);
      req.destroy(error);
    };
    request.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (error) => finish(error));
    req.end(request.body);
  });
}
