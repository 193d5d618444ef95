// Apply → SDK visible: a real server process (dist/server/main.js), an
// FfClient in this process following it over the stream, and POST /v1/apply
// (the route `ff apply` calls) flipping one flag's default, one apply at a
// time. Each sample is the time from sending the apply to the client's
// `change` event for that revision, and, for scale, the apply's own round trip.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { TenantState } from '../../core/model/index.js';
import { mintToken } from '../../server/auth/dev-token.js';
import { FfClient } from '../../sdk/src/index.js';
import { percentile } from '../live/percentile.js';
import { BENCH_SECRET, startServerProcess } from '../live/server-process.js';
import { median } from '../lib/stats.js';

export interface ApplyToSdkFigures {
  flags: number;
  applies: number;
  applyToSdk: { medianMs: number; p99Ms: number; maxMs: number };
  applyRoundTrip: { medianMs: number; p99Ms: number };
}

const TIMEOUT_MS = 30_000;

function tenant(flags: number, variant: 'blue' | 'green'): TenantState {
  return {
    tenant: 'bench',
    environments: [{ key: 'production' }],
    segments: [],
    flags: Array.from({ length: flags }, (_, i) => ({
      key: `flag-${i}`,
      type: 'string' as const,
      variants: { blue: 'blue', green: 'green' },
      offVariant: 'blue',
      environments: { production: { enabled: true, default: { variant: i === 0 ? variant : 'blue' } } },
    })),
  };
}

export async function measureApplyToSdk(root: string, work: string, options: { flags: number; applies: number }): Promise<ApplyToSdkFigures> {
  mkdirSync(path.join(work, 'propagation'), { recursive: true });
  const server = await startServerProcess(root, 'sdk-bench', {
    FF_DB_PATH: path.join(work, 'propagation', 'ff.db'),
    FF_SEED_DIR: path.join(work, 'no-seed'),
  });
  let client: FfClient | undefined;
  try {
    const token = await mintToken({ secret: BENCH_SECRET, tenants: ['bench'], sub: 'bench' });
    const headers = { authorization: `Bearer ${token}`, 'x-tenant-id': 'bench', 'content-type': 'application/json' };
    let revision = 0;
    // What `ff apply` sends: the commit the state came from (a fixed one: nothing here reads it back).
    const commit = { sha: 'b'.repeat(40), author: 'bench', message: 'bench apply', branch: 'main' };
    const apply = async (variant: 'blue' | 'green') => {
      const res = await fetch(`${server.url}/v1/apply`, { method: 'POST', headers, body: JSON.stringify({ state: tenant(options.flags, variant), base_revision: revision, commit }) });
      const body = (await res.json()) as { revision?: number };
      if (res.status !== 200 || typeof body.revision !== 'number') throw new Error(`POST /v1/apply: ${res.status} ${JSON.stringify(body)}`);
      revision = body.revision;
      return revision;
    };
    await apply('blue');
    const keyRes = await fetch(`${server.url}/v1/api-keys`, { method: 'POST', headers, body: JSON.stringify({ name: 'bench', environment: 'production' }) });
    const key = ((await keyRes.json()) as { key: string }).key;
    client = new FfClient({ server: server.url, apiKey: key });
    if (!(await client.ready(TIMEOUT_MS))) throw new Error('the SDK got no configuration');
    const c = client;
    const seen = new Map<number, number>();
    const waiting = new Map<number, () => void>();
    c.on('change', (e) => {
      seen.set(e.revision, performance.now());
      waiting.get(e.revision)?.();
    });
    const visibleAt = (expected: number) =>
      new Promise<number>((resolve, reject) => {
        if (seen.has(expected)) return resolve(seen.get(expected)!);
        const timer = setTimeout(() => reject(new Error(`the SDK did not see revision ${expected}`)), TIMEOUT_MS);
        waiting.set(expected, () => {
          clearTimeout(timer);
          waiting.delete(expected);
          resolve(seen.get(expected)!);
        });
      });
    const visible: number[] = [];
    const roundTrips: number[] = [];
    for (let i = 0; i < options.applies + 1; i++) {
      const start = performance.now();
      const expected = await apply(i % 2 === 0 ? 'green' : 'blue');
      const responded = performance.now();
      const at = await visibleAt(expected);
      if (i === 0) continue; // warm-up: the first apply also proves the stream is up
      visible.push(at - start);
      roundTrips.push(responded - start);
    }
    return {
      flags: options.flags,
      applies: visible.length,
      applyToSdk: { medianMs: median(visible), p99Ms: percentile(visible, 99), maxMs: Math.max(...visible) },
      applyRoundTrip: { medianMs: median(roundTrips), p99Ms: percentile(roundTrips, 99) },
    };
  } finally {
    await client?.close();
    // A keep-alive connection that turns idle after SIGTERM holds the server's graceful close for
    // up to its keep-alive timeout (about 70 s, seen here now and then); the figures are taken, so
    // a server still closing after a few seconds is killed rather than waited for.
    const stopped = server.stop();
    const slow = setTimeout(() => process.kill(server.pid, 'SIGKILL'), 5_000);
    await stopped;
    clearTimeout(slow);
  }
}
