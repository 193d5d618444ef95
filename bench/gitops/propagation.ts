// The time from apply's response to an evaluation that reflects the new
// revision. Straight HTTP from this process (no CLI start-up in the figure):
// apply a change to one flag, and from the moment the response arrives,
// evaluate that flag until the answer carries the applied revision.
import { performance } from 'node:perf_hooks';
import type { Flag, TenantState } from '../../core/model/index.js';
import { median } from '../lib/stats.js';

export interface PropagationFigures {
  samples: number;
  /** Milliseconds from apply's response to the first evaluation carrying the new revision and value. */
  samplesMs: number[];
  medianMs: number;
  maxMs: number;
  /** How many evaluations it took: 1 means the first request after the response already saw it. */
  evaluationsNeeded: number[];
  /** A plain evaluation round trip, measured the same way: what "immediately" costs. */
  evaluateRoundTripMedianMs: number;
  /** Server time of an apply of one changed flag in the whole N-flag state (response minus request). */
  applyRoundTripMedianMs: number;
}

interface Call {
  url: string;
  token: string;
  tenant: string;
}

async function post<T>(call: Call, route: string, body: unknown): Promise<T> {
  const res = await fetch(call.url + route, {
    method: 'POST',
    headers: { authorization: `Bearer ${call.token}`, 'x-tenant-id': call.tenant, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${route}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** The state with `flag` serving `variant` to everyone in production. */
function withProductionDefault(state: TenantState, flag: Flag, variant: string): TenantState {
  const changed: Flag = { ...flag, environments: { ...flag.environments, production: { enabled: true, default: { variant } } } };
  return { ...state, flags: state.flags.map((f) => (f.key === flag.key ? changed : f)) };
}

export async function measurePropagation(call: Call, state: TenantState, baseRevision: number, samples: number): Promise<PropagationFigures> {
  const flag = state.flags.find((f) => Object.keys(f.variants).length >= 2 && f.environments?.production !== undefined);
  if (!flag) throw new Error('no flag with two variants in production');
  const [first, second] = Object.keys(flag.variants) as [string, string];
  const evaluate = () =>
    post<{ variant: string; revision: number }>(call, '/v1/evaluate', { flag_key: flag.key, context: { targetingKey: 'bench-user' }, environment: 'production' });

  let revision = baseRevision;
  const samplesMs: number[] = [];
  const evaluationsNeeded: number[] = [];
  const applyMs: number[] = [];
  const roundTrips: number[] = [];
  for (let i = 0; i < samples; i++) {
    const variant = i % 2 === 0 ? second : first;
    // The tenant is named by X-Tenant-ID, not in the body.
    const { tenant: _tenant, ...body } = withProductionDefault(state, flag, variant);
    const sent = performance.now();
    const response = await post<{ applied: boolean; revision: number }>(call, '/v1/apply', {
      state: body,
      environments: null,
      base_revision: revision,
      dry_run: false,
      allow_delete: false,
      commit: { sha: (i + 1).toString(16).padStart(40, '0'), message: `bench ${i}`, author: 'bench', dirty: false },
    });
    const answered = performance.now();
    applyMs.push(answered - sent);
    if (!response.applied) throw new Error('the bench apply changed nothing');
    revision = response.revision;
    let tries = 0;
    for (;;) {
      tries++;
      const answer = await evaluate();
      if (answer.revision >= revision && answer.variant === variant) break;
      if (tries > 10_000) throw new Error('the evaluation never reflected the apply');
    }
    samplesMs.push(performance.now() - answered);
    evaluationsNeeded.push(tries);
    const t0 = performance.now();
    await evaluate();
    roundTrips.push(performance.now() - t0);
  }
  return {
    samples,
    samplesMs,
    medianMs: median(samplesMs),
    maxMs: Math.max(...samplesMs),
    evaluationsNeeded,
    evaluateRoundTripMedianMs: median(roundTrips),
    applyRoundTripMedianMs: median(applyMs),
  };
}
