// Evaluation rates through the SDK, each against a baseline in the same run:
//  - raw: FfClient.evaluate vs the bare engine (evaluate(snapshot, …)) on the
//    engine bench's workloads, through bench/engine/measure.ts (interleaved
//    rounds, per-engine loops);
//  - OpenFeature: client.getBooleanDetails with the ff provider vs
//    @openfeature/flagd-provider in its in-process mode reading the equivalent
//    flagd file, both under the same @openfeature/server-sdk, awaited one call
//    at a time, interleaved in chunks the same way.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { FlagdProvider } from '@openfeature/flagd-provider';
import { OpenFeature, type Client, type Provider } from '@openfeature/server-sdk';
import { FfClient } from '../../sdk/src/index.js';
import { FfProvider } from '../../sdk/src/openfeature.js';
import { ffAdapter, tenantState } from '../engine/ff.js';
import { configA } from '../engine/flagd.js';
import type { EngineAdapter, PreparedEngine } from '../engine/adapter.js';
import { measureWorkload, type EngineMeasurement } from '../engine/measure.js';
import { benchUsers, WORKLOADS, type BenchUser, type WorkloadId } from '../engine/workloads.js';
import { packageVersion } from '../lib/package-version.js';
import { median, seededRandom, shuffled } from '../lib/stats.js';

const ENVIRONMENT = 'production';

/** The SDK as an application holds it: a client bootstrapped with the workload's tenant. */
function sdkAdapter(version: string): EngineAdapter {
  return {
    name: 'ff SDK (FfClient.evaluate)',
    version,
    async prepare(workload: WorkloadId) {
      const client = new FfClient({ bootstrap: { state: tenantState(workload), environment: ENVIRONMENT } });
      if (client.status !== 'READY') throw new Error('the SDK refused the workload');
      const flagKey = WORKLOADS[workload].flagKey;
      const prepared: PreparedEngine<Record<string, unknown>> = {
        context:
          workload === 'A'
            ? (u: BenchUser) => ({ targetingKey: u.key, plan: u.plan })
            : (u: BenchUser) => ({ targetingKey: u.key, plan: u.plan, country: u.country, appVersion: u.appVersion, email: u.email, accountAgeDays: u.accountAgeDays, seats: u.seats }),
        evaluate: (context) => client.evaluate(flagKey, context).variant ?? 'error',
        close: () => client.close(),
      };
      return prepared as PreparedEngine;
    },
  };
}

export interface RawFigures {
  workload: WorkloadId;
  engine: EngineMeasurement;
  sdk: EngineMeasurement;
  /** sdk / engine (goal ≥ 0.9). */
  ratio: number;
}

export async function measureRaw(version: string, options: { users: number; rounds: number; seed: number }): Promise<RawFigures[]> {
  const users = benchUsers(options.users);
  const out: RawFigures[] = [];
  for (const workload of ['A', 'B'] as const) {
    const [engine, sdk] = await measureWorkload([ffAdapter(version), sdkAdapter(version)], {
      workload,
      users,
      rounds: options.rounds,
      warmupEvaluations: Math.min(users.length, 100_000),
      chunkSize: 5_000,
      seed: options.seed,
    });
    out.push({ workload, engine: engine!, sdk: sdk!, ratio: sdk!.medianPerSecond / engine!.medianPerSecond });
  }
  return out;
}

interface OfContender {
  name: string;
  version: string;
  client: Client;
  rounds: number[];
  /** Share of `on` answers, from the first round: both must serve the workload, not errors. */
  onShare?: number;
  errors: number;
}

interface ProviderFigure {
  version: string;
  roundsPerSecond: number[];
  medianPerSecond: number;
  onShare: number;
  errors: number;
}

/** Answers the default, immediately: the OpenFeature SDK's own cost per call, measured beside the real providers. */
const floorProvider: Provider = {
  metadata: { name: 'floor (answers the default)' },
  runsOn: 'server',
  resolveBooleanEvaluation: (_key, value) => Promise.resolve({ value, reason: 'STATIC' }),
  resolveStringEvaluation: (_key, value) => Promise.resolve({ value, reason: 'STATIC' }),
  resolveNumberEvaluation: (_key, value) => Promise.resolve({ value, reason: 'STATIC' }),
  resolveObjectEvaluation: (_key, value) => Promise.resolve({ value, reason: 'STATIC' }),
};

export interface OpenFeatureFigures {
  users: number;
  rounds: number;
  ff: ProviderFigure;
  flagd: ProviderFigure;
  /** A provider that answers the default at once: what the OpenFeature SDK itself costs per call, the ceiling for any provider. */
  floor: ProviderFigure;
  /** ff / flagd (goal ≥ 3). */
  ratio: number;
  /** ff / floor: how close ff comes to a provider that does nothing. */
  ofFloorShare: number;
}

async function timeChunk(c: OfContender, contexts: readonly Record<string, string>[], tally: { on: number; errors: number }): Promise<number> {
  const flagKey = WORKLOADS.A.flagKey;
  const start = performance.now();
  for (const context of contexts) {
    const details = await c.client.getBooleanDetails(flagKey, false, context);
    if (details.errorCode !== undefined) tally.errors++;
    else if (details.value) tally.on++;
  }
  return (performance.now() - start) / 1000;
}

/** Workload A (boolean, one rule, a 25 % rollout) through OpenFeature with each provider. */
export async function measureOpenFeature(version: string, options: { users: number; rounds: number; seed: number }): Promise<OpenFeatureFigures> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ff-bench-sdk-flagd-'));
  const flagdFile = path.join(dir, 'flags.json');
  writeFileSync(flagdFile, JSON.stringify(configA));
  const register = async (domain: string, provider: Provider) => {
    await OpenFeature.setProviderAndWait(domain, provider);
    return OpenFeature.getClient(domain);
  };
  try {
    const contenders: OfContender[] = [
      {
        name: 'ff',
        version,
        client: await register('ff', new FfProvider({ bootstrap: { state: tenantState('A'), environment: ENVIRONMENT } })),
        rounds: [],
        errors: 0,
      },
      {
        name: 'flagd',
        version: packageVersion('@openfeature/flagd-provider'),
        client: await register('flagd', new FlagdProvider({ resolverType: 'in-process', offlineFlagSourcePath: flagdFile })),
        rounds: [],
        errors: 0,
      },
      { name: 'floor', version: packageVersion('@openfeature/server-sdk'), client: await register('floor', floorProvider), rounds: [], errors: 0 },
    ];
    const users = benchUsers(options.users);
    const contexts = users.map((u) => ({ targetingKey: u.key, plan: u.plan }));
    const chunk = 2_000;
    // Warm-up: one pass each, untimed.
    for (const c of contenders) await timeChunk(c, contexts.slice(0, Math.min(contexts.length, 20_000)), { on: 0, errors: 0 });
    const random = seededRandom(options.seed);
    for (let round = 0; round < options.rounds; round++) {
      const order = shuffled(contenders, random);
      const seconds = new Map(order.map((c) => [c, 0]));
      const tallies = new Map(order.map((c) => [c, { on: 0, errors: 0 }]));
      for (let i = 0; i < contexts.length; i += chunk) {
        const slice = contexts.slice(i, i + chunk);
        for (const c of order) seconds.set(c, seconds.get(c)! + (await timeChunk(c, slice, tallies.get(c)!)));
      }
      for (const c of order) {
        c.rounds.push(contexts.length / seconds.get(c)!);
        c.onShare ??= tallies.get(c)!.on / contexts.length;
        c.errors += tallies.get(c)!.errors;
      }
    }
    const [ff, flagd, floor] = contenders as [OfContender, OfContender, OfContender];
    const figure = (c: OfContender): ProviderFigure => ({ version: c.version, roundsPerSecond: c.rounds, medianPerSecond: median(c.rounds), onShare: c.onShare ?? Number.NaN, errors: c.errors });
    return {
      users: users.length,
      rounds: options.rounds,
      ff: figure(ff),
      flagd: figure(flagd),
      floor: figure(floor),
      ratio: median(ff.rounds) / median(flagd.rounds),
      ofFloorShare: median(ff.rounds) / median(floor.rounds),
    };
  } finally {
    await OpenFeature.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
