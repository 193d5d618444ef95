// POST /v1/evaluate, OFREP single-flag and bulk evaluation of the compiled
// server (dist/server/main.js serve, as `make run` starts it, with the flags/
// example repository and an API key made through the REST API), each against
// a bare Fastify route measured in the same run; and `serve --workers N`
// against a bare Fastify cluster of as many workers. Every server runs in
// child processes; the rounds alternate the targets (the order rotates each
// round) so a busy spell on the machine hits all of them, and every ratio is
// taken within one round, then the median over rounds is reported.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Request } from 'autocannon';
import { devTokenFromBanner } from '../../server/banner.js';
import { median } from '../lib/stats.js';
import { launchServer, type ServerChild } from './child.js';
import { runLoad, type LoadResult } from './load.js';
import { contexts, ENVIRONMENT, FLAG, requestsFor, TENANT, type RequestSetId } from './workload.js';

export interface ServerBenchOptions {
  root: string;
  rounds: number;
  durationS: number;
  warmupS: number;
  connections: number;
  /** Distinct evaluation contexts each connection cycles through. */
  users: number;
  /** FF_LOG_LEVEL of the ff server (default info: one log line per request, as in production). */
  logLevel?: string;
  /** Write a V8 CPU profile of the ff server here (node --cpu-prof). */
  profileDir?: string;
  /** Worker processes of the cluster comparison (`serve --workers N` vs a bare Fastify cluster); below 2 skips it. */
  workers?: number;
  onStep?: (message: string) => void;
}

export interface RoundResult extends LoadResult {
  /**
   * Server CPU time (user + system of the server and its worker processes,
   * from /proc) per completed request, in microseconds: what a request costs
   * the server, much less sensitive than req/s to other work competing for
   * the machine's cores.
   */
  serverCpuUsPerRequest: number;
}

/**
 * bare, evaluate, ofrep, bulk: one process each; evaluate-no-usage: a second
 * ff server with usage counting off (FF_USAGE=0), what evaluate is compared
 * with to show what counting costs; evaluate-experiment: a third ff server
 * whose flags/ copy also runs an experiment on the evaluated flag's rollout,
 * so most of its evaluations are exposures (what evaluate is compared with to
 * show what the exposure observer costs); the -cluster targets: `workers` processes
 * on one port.
 */
export type TargetId = 'bare' | 'evaluate' | 'evaluate-no-usage' | 'evaluate-experiment' | 'ofrep' | 'bulk' | 'bare-cluster' | 'evaluate-cluster';

export interface TargetFigures {
  target: TargetId;
  description: string;
  /** One load run per round, in round order. */
  rounds: RoundResult[];
  medianRequestsPerSecond: number;
  medianP50Ms: number;
  medianP99Ms: number;
  medianServerCpuUsPerRequest: number;
  /** Flags evaluated per response: 1, or every flag of the environment for bulk. */
  flagsPerRequest: number;
  medianFlagsPerSecond: number;
}

export interface Ratio {
  /** What the ratio compares against: bare, or bare-cluster. */
  baseline: TargetId;
  /** ours ÷ baseline requests per second (goal ≥ 0.8). */
  throughput: number;
  /** ours ÷ baseline p50. */
  p50: number;
  /** ours ÷ baseline p99 (goal ≤ 1.2). */
  p99: number;
  /** baseline ÷ ours server CPU per request: the throughput ratio if each server had the cores to itself. */
  cpuThroughput: number;
}

export type RatioId = 'evaluate' | 'ofrep' | 'bulk' | 'evaluate-cluster';

interface Rss {
  idle: number;
  afterRun: number;
}

export interface ServerBenchFigures {
  setup: {
    connections: number;
    durationS: number;
    warmupS: number;
    rounds: number;
    users: number;
    tenant: string;
    environment: string;
    flag: string;
    logLevel: string;
    /** Processes of the cluster targets (0: not measured). */
    workers: number;
  };
  goal: { minThroughputRatio: number; maxP99Ratio: number };
  targets: Partial<Record<TargetId, TargetFigures>>;
  /** Median over rounds of the same-round ratio to the bare route (to the bare cluster for evaluate-cluster). */
  ratios: Partial<Record<RatioId, Ratio>>;
  /** POST /v1/evaluate with usage counting ÷ the same without (FF_USAGE=0), same-round median: ≈ 1 when counting is off the hot path. */
  usage: Ratio;
  /** POST /v1/evaluate with an experiment running on the flag ÷ the same without, same-round median: ≈ 1 when exposures are off the hot path. */
  experiment: Ratio;
  /** Resident set size in bytes (a cluster's: primary plus workers), after start-up and after the last round. */
  rss: { ff: Rss; bare: Rss; ffCluster?: Rss; bareCluster?: Rss };
  profile?: string;
}

const DESCRIPTIONS: Record<TargetId, (workers: number) => string> = {
  bare: () => 'bare Fastify: POST /bare → constant JSON (same request bodies)',
  evaluate: () => 'POST /v1/evaluate (X-API-Key)',
  'evaluate-no-usage': () => 'POST /v1/evaluate, usage counting off (FF_USAGE=0)',
  'evaluate-experiment': () => `POST /v1/evaluate, an experiment running on ${FLAG}'s rollout (exposures recorded)`,
  ofrep: () => `POST /ofrep/v1/evaluate/flags/${FLAG} (Authorization: Bearer <API key>)`,
  bulk: () => 'POST /v1/evaluate/bulk: every flag of the environment (X-API-Key)',
  'bare-cluster': (n) => `bare Fastify, ${n} workers (node:cluster), POST /bare`,
  'evaluate-cluster': (n) => `serve --workers ${n}: POST /v1/evaluate (X-API-Key)`,
};

const REQUEST_SET: Record<TargetId, RequestSetId> = {
  bare: 'bare',
  evaluate: 'evaluate',
  'evaluate-no-usage': 'evaluate',
  'evaluate-experiment': 'evaluate',
  ofrep: 'ofrep',
  bulk: 'bulk',
  'bare-cluster': 'bare',
  'evaluate-cluster': 'evaluate',
};

const BASELINE: Record<RatioId, TargetId> = { evaluate: 'bare', ofrep: 'bare', bulk: 'bare', 'evaluate-cluster': 'bare-cluster' };

export async function runServerBench(opts: ServerBenchOptions): Promise<ServerBenchFigures> {
  const step = opts.onStep ?? (() => {});
  const logLevel = opts.logLevel ?? 'info';
  const workers = (opts.workers ?? 0) > 1 ? (opts.workers as number) : 0;
  const work = mkdtempSync(path.join(tmpdir(), 'ff-server-bench-'));
  const started: ServerChild[] = [];
  const ffScript = path.join(opts.root, 'dist', 'server', 'main.js');
  const bareScript = path.join(opts.root, 'dist', 'bench', 'server', 'bare-server.js');
  const ffEnv = {
    FF_DEV: '1',
    FF_HOST: '127.0.0.1',
    FF_PORT: '0',
    FF_DB_PATH: path.join(work, 'data', 'ff.db'),
    FF_SEED_DIR: path.join(opts.root, 'flags'),
    FF_LOG_LEVEL: logLevel,
  };
  try {
    step('starting dist/server/main.js serve (dev mode, seeded from flags/)');
    const ff = await launchServer({
      name: 'ff',
      script: ffScript,
      args: ['serve'],
      cwd: work,
      env: ffEnv,
      nodeFlags: opts.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.profileDir}`] : [],
    });
    started.push(ff);
    const apiKey = await createApiKey(ff);
    step('starting the bare Fastify baseline');
    const bare = await launchServer({ name: 'bare', script: bareScript });
    started.push(bare);
    // The same database file (the API key is in it), counting nothing: the with/without usage comparison.
    step('starting a second ff server with usage counting off (FF_USAGE=0)');
    const noUsage = await launchServer({ name: 'ff-no-usage', script: ffScript, args: ['serve'], cwd: work, env: { ...ffEnv, FF_USAGE: '0' } });
    started.push(noUsage);
    // Its own database and flags/ copy (one more file: an experiment on the benchmarked flag's production rollout).
    step(`starting a third ff server with an experiment running on ${FLAG}`);
    const experimentWork = path.join(work, 'experiment');
    const experimentSeed = path.join(experimentWork, 'flags');
    cpSync(path.join(opts.root, 'flags'), experimentSeed, { recursive: true });
    writeFileSync(path.join(experimentSeed, TENANT, 'checkout-experiment.yaml'), EXPERIMENT_FILE);
    const withExperiment = await launchServer({
      name: 'ff-experiment',
      script: ffScript,
      args: ['serve'],
      cwd: experimentWork,
      env: { ...ffEnv, FF_DB_PATH: path.join(experimentWork, 'data', 'ff.db'), FF_SEED_DIR: experimentSeed },
    });
    started.push(withExperiment);
    const experimentKey = await createApiKey(withExperiment);
    const servers: Partial<Record<TargetId, ServerChild>> = { bare, evaluate: ff, 'evaluate-no-usage': noUsage, 'evaluate-experiment': withExperiment, ofrep: ff, bulk: ff };
    let ffCluster: ServerChild | undefined;
    let bareCluster: ServerChild | undefined;
    if (workers > 0) {
      // The same database file (the API key is in it): the cluster's primary finds it seeded.
      step(`starting serve --workers ${workers} and a bare Fastify cluster of ${workers} workers`);
      ffCluster = await launchServer({ name: 'ff-cluster', script: ffScript, args: ['serve', '--workers', String(workers)], cwd: work, env: ffEnv });
      started.push(ffCluster);
      bareCluster = await launchServer({ name: 'bare-cluster', script: bareScript, args: ['--workers', String(workers)] });
      started.push(bareCluster);
      servers['evaluate-cluster'] = ffCluster;
      servers['bare-cluster'] = bareCluster;
    }
    const order = Object.keys(servers) as TargetId[];
    const serverOf = (t: TargetId) => servers[t] as ServerChild;

    const users = contexts(opts.users);
    const requests = {} as Record<TargetId, Request[]>;
    const flagsPerRequest = {} as Record<TargetId, number>;
    for (const t of order) {
      requests[t] = requestsFor(REQUEST_SET[t], t === 'evaluate-experiment' ? experimentKey : apiKey, users);
      flagsPerRequest[t] = await checkAnswer(t, serverOf(t).url, requests[t][0]);
    }
    const rssNow = () => ({
      ff: ff.rss(),
      bare: bare.rss(),
      ffCluster: ffCluster?.rss() ?? 0,
      bareCluster: bareCluster?.rss() ?? 0,
    });
    const rssIdle = rssNow();

    const load = async (target: TargetId, durationS: number): Promise<RoundResult> => {
      const server = serverOf(target);
      const cpuBefore = server.cpuSeconds();
      const result = await runLoad({ url: server.url, requests: requests[target], connections: opts.connections, durationS });
      const cpu = server.cpuSeconds() - cpuBefore;
      if (result.non2xx > 0 || result.errors > 0) {
        throw new Error(`${target}: ${result.non2xx} non-2xx responses and ${result.errors} errors; the figures would be void`);
      }
      return { ...result, serverCpuUsPerRequest: (cpu * 1e6) / result.completed };
    };
    if (opts.warmupS > 0) {
      step(`warm-up: ${opts.warmupS} s per target`);
      for (const target of order) await load(target, opts.warmupS);
    }
    const perRound: Record<TargetId, RoundResult>[] = [];
    for (let round = 0; round < opts.rounds; round++) {
      const rotated = [...order.slice(round % order.length), ...order.slice(0, round % order.length)];
      step(`round ${round + 1}/${opts.rounds}: ${rotated.join(', ')} × ${opts.durationS} s`);
      const results = {} as Record<TargetId, RoundResult>;
      for (const target of rotated) results[target] = await load(target, opts.durationS);
      perRound.push(results);
    }
    const rssAfter = rssNow();

    const figures = (target: TargetId): TargetFigures => {
      const rounds = perRound.map((r) => r[target]);
      return {
        target,
        description: DESCRIPTIONS[target](workers),
        rounds,
        medianRequestsPerSecond: median(rounds.map((r) => r.requestsPerSecond)),
        medianP50Ms: median(rounds.map((r) => r.p50Ms)),
        medianP99Ms: median(rounds.map((r) => r.p99Ms)),
        medianServerCpuUsPerRequest: median(rounds.map((r) => r.serverCpuUsPerRequest)),
        flagsPerRequest: flagsPerRequest[target],
        medianFlagsPerSecond: median(rounds.map((r) => r.requestsPerSecond * flagsPerRequest[target])),
      };
    };
    const ratio = (target: TargetId, baseline: TargetId): Ratio => ({
      baseline,
      throughput: median(perRound.map((r) => r[target].requestsPerSecond / r[baseline].requestsPerSecond)),
      p50: median(perRound.map((r) => r[target].p50Ms / r[baseline].p50Ms)),
      p99: median(perRound.map((r) => r[target].p99Ms / r[baseline].p99Ms)),
      cpuThroughput: median(perRound.map((r) => r[baseline].serverCpuUsPerRequest / r[target].serverCpuUsPerRequest)),
    });

    await Promise.all(started.map((c) => c.stop()));
    started.length = 0;
    const ratios: Partial<Record<RatioId, Ratio>> = {};
    for (const id of Object.keys(BASELINE) as RatioId[]) if (servers[id]) ratios[id] = ratio(id, BASELINE[id]);
    return {
      setup: {
        connections: opts.connections,
        durationS: opts.durationS,
        warmupS: opts.warmupS,
        rounds: opts.rounds,
        users: opts.users,
        tenant: TENANT,
        environment: ENVIRONMENT,
        flag: FLAG,
        logLevel,
        workers,
      },
      goal: { minThroughputRatio: 0.8, maxP99Ratio: 1.2 },
      targets: Object.fromEntries(order.map((t) => [t, figures(t)])),
      ratios,
      usage: ratio('evaluate', 'evaluate-no-usage'),
      experiment: ratio('evaluate-experiment', 'evaluate'),
      rss: {
        ff: { idle: rssIdle.ff, afterRun: rssAfter.ff },
        bare: { idle: rssIdle.bare, afterRun: rssAfter.bare },
        ...(workers > 0
          ? {
              ffCluster: { idle: rssIdle.ffCluster, afterRun: rssAfter.ffCluster },
              bareCluster: { idle: rssIdle.bareCluster, afterRun: rssAfter.bareCluster },
            }
          : {}),
      },
      ...(opts.profileDir ? { profile: opts.profileDir } : {}),
    };
  } finally {
    await Promise.all(started.map((c) => c.stop()));
    rmSync(work, { recursive: true, force: true });
  }
}

/** An experiment on the benchmarked flag's production rollout (10% on, 90% off), running since before the bench. */
const EXPERIMENT_FILE = `version: 1
experiments:
  - key: checkout-redesign
    hypothesis: The one-page checkout converts better.
    flag: ${FLAG}
    environment: ${ENVIRONMENT}
    variants: [off, on]
    start: "2026-01-01"
    metrics:
      primary: {event: purchase, type: conversion}
`;

/** An evaluation API key for acme/production, made through the REST API with the dev token the banner prints. */
async function createApiKey(ff: ServerChild): Promise<string> {
  const token = devTokenFromBanner(ff.stderr());
  if (token === undefined) throw new Error(`no dev token in the banner:\n${ff.stderr()}`);
  const res = await fetch(`${ff.url}/v1/api-keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'x-tenant-id': TENANT, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'server benchmark', environment: ENVIRONMENT }),
  });
  const body = (await res.json()) as { key?: string };
  if (res.status !== 201 || body.key === undefined) throw new Error(`creating an API key failed: ${res.status} ${JSON.stringify(body)}`);
  return body.key;
}

/**
 * One request per target before timing anything (a benchmark of 401s would
 * be worthless); answers how many flags a response evaluated.
 */
async function checkAnswer(target: TargetId, url: string, first: Request | undefined): Promise<number> {
  if (!first) throw new Error(`no request for ${target}`);
  const res = await fetch(url + (first.path ?? '/'), {
    method: first.method ?? 'GET',
    headers: first.headers as Record<string, string>,
    body: first.body as string,
  });
  const text = await res.text();
  if (res.status !== 200 || !text.includes('"value"')) throw new Error(`${target}: ${res.status} ${text}`);
  const results = (JSON.parse(text) as { results?: unknown }).results;
  return Array.isArray(results) ? results.length : 1;
}
