// Reads a GET /v1/stream response and notes when each revision's event
// arrived (performance.now()), for the propagation figures.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface SseReader {
  /** Arrival time of the first event for each revision. */
  arrivals: Map<number, number>;
  close(): void;
}

export function readStream(url: string, headers: Record<string, string>): Promise<SseReader> {
  return new Promise((resolve, reject) => {
    const arrivals = new Map<number, number>();
    const req = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`stream ${url}: ${res.statusCode}`));
        return;
      }
      res.setEncoding('utf8');
      let buffer = '';
      let opened = false;
      res.on('data', (chunk: string) => {
        const now = performance.now();
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const id = /^id: (\d+)$/m.exec(block)?.[1];
          if (id !== undefined && !arrivals.has(Number(id))) arrivals.set(Number(id), now);
          if (!opened && /^: connected/m.test(block)) {
            opened = true;
            resolve({ arrivals, close: () => req.destroy() });
          }
        }
      });
    });
    req.on('error', reject);
  });
}
