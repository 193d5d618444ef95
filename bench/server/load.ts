// One autocannon run against one server. Latencies are taken from autocannon's
// per-response event (a float in milliseconds) rather than its histogram, which
// records whole milliseconds: at a few milliseconds per request that rounding
// alone would move a p99 ratio by 20%.
import autocannon, { type Request, type Result } from 'autocannon';

export interface LoadOptions {
  url: string;
  requests: Request[];
  connections: number;
  durationS: number;
}

export interface LoadResult {
  /** Completed requests per second over the run. */
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  completed: number;
  /** Responses other than 2xx, and connection errors/timeouts: any of them voids the figure. */
  non2xx: number;
  errors: number;
  durationS: number;
}

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  let latencies = new Float64Array(1 << 16);
  let n = 0;
  const result = await new Promise<Result>((resolve, reject) => {
    const instance = autocannon(
      { url: opts.url, connections: opts.connections, duration: opts.durationS, requests: opts.requests },
      (err: unknown, res: Result) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(res)),
    );
    instance.on('response', (_client, _status, _bytes, responseTimeMs) => {
      if (n === latencies.length) {
        const bigger = new Float64Array(latencies.length * 2);
        bigger.set(latencies);
        latencies = bigger;
      }
      latencies[n++] = responseTimeMs;
    });
  });
  const sorted = latencies.subarray(0, n).sort();
  return {
    requestsPerSecond: result.requests.total / result.duration,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    completed: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    durationS: result.duration,
  };
}

/** Nearest-rank percentile of ascending values. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank] as number;
}
