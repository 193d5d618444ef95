// Propagation latency: from the moment a write's response arrives (a PUT
// through process A) to the moment the change is visible
//  (a) at A itself: the next evaluation at A carries the new revision;
//  (b) at process B (same SQLite file): a client evaluating at B in a loop
//      sees the new revision (B learns it from the file watch + data_version);
//  (c) at SSE subscribers of A and of B: the `revision` event arrives.
// All times are performance.now() of this one process. A change visible
// before the write's response arrived counts as 0 (the figure is "how long
// after the response"), and how often that happened is reported.
import { performance } from 'node:perf_hooks';
import { median } from '../lib/stats.js';
import { percentile } from './percentile.js';
import type { ServerProcess } from './server-process.js';
import { readStream } from './sse-reader.js';

export interface Distribution {
  samples: number;
  medianMs: number;
  p99Ms: number;
  maxMs: number;
  /** Samples already visible when the write's response arrived (counted as 0 ms). */
  beforeResponse: number;
  /** Every sample, in write order, unclamped (negative: visible before the response arrived). */
  rawMs: number[];
}

export interface PropagationFigures {
  tenantFlags: number;
  writes: number;
  /** Round trip of the PUT itself (request sent → response), for scale. */
  write: Distribution;
  sameProcess: Distribution;
  otherProcess: Distribution;
  sseSameProcess: Distribution;
  sseOtherProcess: Distribution;
}

export interface PropagationSetup {
  a: ServerProcess;
  b: ServerProcess;
  token: string;
  tenant: string;
  environment: string;
  flag: string;
  /** Two variant names of `flag`; the writes alternate between them. */
  variants: [string, string];
  writes: number;
}

const TIMEOUT_MS = 30_000;

function distribution(raw: readonly number[]): Distribution {
  const clamped = raw.map((v) => Math.max(0, v));
  return {
    samples: raw.length,
    medianMs: median(clamped),
    p99Ms: percentile(clamped, 99),
    maxMs: Math.max(...clamped),
    beforeResponse: raw.filter((v) => v <= 0).length,
    rawMs: raw.map((v) => Math.round(v * 100) / 100),
  };
}

async function json(url: string, init: RequestInit): Promise<{ status: number; body: any; etag: string | null }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text), etag: res.headers.get('etag') };
}

export async function measurePropagation(setup: PropagationSetup, tenantFlags: number): Promise<PropagationFigures> {
  const { a, b, token, tenant, environment, flag } = setup;
  const auth = { authorization: `Bearer ${token}`, 'x-tenant-id': tenant };
  const evaluate = (server: ServerProcess) =>
    json(`${server.url}/v1/evaluate`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ flag_key: flag, context: { targetingKey: 'bench' }, environment }),
    });

  const sseA = await readStream(`${a.url}/v1/stream?environment=${environment}`, auth);
  const sseB = await readStream(`${b.url}/v1/stream?environment=${environment}`, auth);

  // (b): a client evaluating at B back to back; the first response carrying each revision.
  const seenAtB = new Map<number, number>();
  let highestAtB = 0;
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const r = await evaluate(b);
      const now = performance.now();
      const revision = r.body?.revision as number;
      for (let rev = highestAtB + 1; rev <= revision; rev++) seenAtB.set(rev, now);
      highestAtB = Math.max(highestAtB, revision);
    }
  })();

  const waitFor = async (what: string, found: () => number | undefined): Promise<number> => {
    const deadline = performance.now() + TIMEOUT_MS;
    for (;;) {
      const t = found();
      if (t !== undefined) return t;
      if (performance.now() > deadline) throw new Error(`propagation: timed out waiting for ${what}`);
      await new Promise((resolve) => setImmediate(resolve));
    }
  };

  const write: number[] = [];
  const same: number[] = [];
  const other: number[] = [];
  const sseSame: number[] = [];
  const sseOther: number[] = [];
  try {
    const current = await json(`${a.url}/v1/flags/${flag}`, { headers: auth });
    if (current.status !== 200) throw new Error(`GET flag: ${current.status}`);
    const doc = current.body.data as { environments?: Record<string, unknown> };
    for (let i = 0; i < setup.writes; i++) {
      const variant = setup.variants[i % 2] as string;
      const next = { ...doc, environments: { ...doc.environments, [environment]: { enabled: true, default: { variant } } } };
      const sent = performance.now();
      const put = await json(`${a.url}/v1/flags/${flag}?force=true`, {
        method: 'PUT',
        headers: { ...auth, 'content-type': 'application/json', 'if-match': '*' },
        body: JSON.stringify(next),
      });
      const t0 = performance.now();
      if (put.status !== 200) throw new Error(`PUT flag: ${put.status} ${JSON.stringify(put.body).slice(0, 300)}`);
      const revision = Number(put.etag?.replaceAll('"', ''));
      write.push(t0 - sent);

      // (a): evaluate at A until the answer carries the revision (the first one does: A swapped before answering).
      for (;;) {
        const r = await evaluate(a);
        if (r.body?.revision >= revision) {
          same.push(performance.now() - t0);
          break;
        }
      }
      other.push((await waitFor(`revision ${revision} at B`, () => seenAtB.get(revision))) - t0);
      sseSame.push((await waitFor(`the event of ${revision} at A`, () => sseA.arrivals.get(revision))) - t0);
      sseOther.push((await waitFor(`the event of ${revision} at B`, () => sseB.arrivals.get(revision))) - t0);
    }
  } finally {
    polling = false;
    await poller.catch(() => {});
    sseA.close();
    sseB.close();
  }
  return {
    tenantFlags,
    writes: setup.writes,
    write: distribution(write),
    sameProcess: distribution(same),
    otherProcess: distribution(other),
    sseSameProcess: distribution(sseSame),
    sseOtherProcess: distribution(sseOther),
  };
}
