// POST /v1/evaluate and OFREP single-flag evaluation of the
// compiled server (dist/server/main.js serve, as `make run` starts it, with
// the flags/ example repository and an API key made through the REST API),
// each against a bare Fastify route measured in the same run. Both servers
// run in child processes; the rounds alternate the targets (the order rotates
// each round) so a busy spell on the machine hits all of them, and every ratio
// is taken within one round, then the median over rounds is reported.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { devTokenFromBanner } from '../../server/banner.js';
import { median } from '../lib/stats.js';
import { launchServer, type ServerChild } from './child.js';
import { runLoad, type LoadResult } from './load.js';
import { contexts, ENVIRONMENT, FLAG, requestsFor, TENANT, type TargetId } from './workload.js';

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
  onStep?: (message: string) => void;
}

export interface RoundResult extends LoadResult {
  /**
   * Server CPU time (user + system, from /proc) per completed request, in
   * microseconds: what a request costs the server, much less sensitive than
   * req/s to other work competing for the machine's cores.
   */
  serverCpuUsPerRequest: number;
}

export interface TargetFigures {
  target: TargetId;
  description: string;
  /** One load run per round, in round order. */
  rounds: RoundResult[];
  medianRequestsPerSecond: number;
  medianP50Ms: number;
  medianP99Ms: number;
  medianServerCpuUsPerRequest: number;
}

export interface Ratio {
  /** ours ÷ bare requests per second (goal ≥ 0.8). */
  throughput: number;
  /** ours ÷ bare p50. */
  p50: number;
  /** ours ÷ bare p99 (goal ≤ 1.2). */
  p99: number;
  /** bare ÷ ours server CPU per request: the throughput ratio if each server had a core to itself. */
  cpuThroughput: number;
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
  };
  goal: { minThroughputRatio: number; maxP99Ratio: number };
  targets: Record<TargetId, TargetFigures>;
  /** Median over rounds of the same-round ratio to the bare route. */
  ratios: { evaluate: Ratio; ofrep: Ratio };
  /** Resident set size in bytes: after start-up (idle) and after the last round. */
  rss: { ff: { idle: number; afterRun: number }; bare: { idle: number; afterRun: number } };
  profile?: string;
}

const DESCRIPTIONS: Record<TargetId, string> = {
  bare: 'bare Fastify: POST /bare → constant JSON (same request bodies)',
  evaluate: 'POST /v1/evaluate (X-API-Key)',
  ofrep: `POST /ofrep/v1/evaluate/flags/${FLAG} (Authorization: Bearer <API key>)`,
};

export async function runServerBench(opts: ServerBenchOptions): Promise<ServerBenchFigures> {
  const step = opts.onStep ?? (() => {});
  const logLevel = opts.logLevel ?? 'info';
  const work = mkdtempSync(path.join(tmpdir(), 'ff-server-bench-'));
  const started: ServerChild[] = [];
  try {
    step('starting dist/server/main.js serve (dev mode, seeded from flags/)');
    const ff = await launchServer({
      name: 'ff',
      script: path.join(opts.root, 'dist', 'server', 'main.js'),
      args: ['serve'],
      cwd: work,
      env: {
        FF_DEV: '1',
        FF_HOST: '127.0.0.1',
        FF_PORT: '0',
        FF_DB_PATH: path.join(work, 'data', 'ff.db'),
        FF_SEED_DIR: path.join(opts.root, 'flags'),
        FF_LOG_LEVEL: logLevel,
      },
      nodeFlags: opts.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.profileDir}`] : [],
    });
    started.push(ff);
    const apiKey = await createApiKey(ff);
    step('starting the bare Fastify baseline');
    const bare = await launchServer({ name: 'bare', script: path.join(opts.root, 'dist', 'bench', 'server', 'bare-server.js') });
    started.push(bare);

    const users = contexts(opts.users);
    const servers: Record<TargetId, ServerChild> = { bare, evaluate: ff, ofrep: ff };
    const urls: Record<TargetId, string> = { bare: bare.url, evaluate: ff.url, ofrep: ff.url };
    const requests = {
      bare: requestsFor('bare', apiKey, users),
      evaluate: requestsFor('evaluate', apiKey, users),
      ofrep: requestsFor('ofrep', apiKey, users),
    };
    await checkAnswers(urls, requests);
    const rssIdle = { ff: ff.rss(), bare: bare.rss() };

    const order: TargetId[] = ['bare', 'evaluate', 'ofrep'];
    const load = async (target: TargetId, durationS: number): Promise<RoundResult> => {
      const cpuBefore = servers[target].cpuSeconds();
      const result = await runLoad({ url: urls[target], requests: requests[target], connections: opts.connections, durationS });
      const cpu = servers[target].cpuSeconds() - cpuBefore;
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
    const rssAfter = { ff: ff.rss(), bare: bare.rss() };

    const figures = (target: TargetId): TargetFigures => {
      const rounds = perRound.map((r) => r[target]);
      return {
        target,
        description: DESCRIPTIONS[target],
        rounds,
        medianRequestsPerSecond: median(rounds.map((r) => r.requestsPerSecond)),
        medianP50Ms: median(rounds.map((r) => r.p50Ms)),
        medianP99Ms: median(rounds.map((r) => r.p99Ms)),
        medianServerCpuUsPerRequest: median(rounds.map((r) => r.serverCpuUsPerRequest)),
      };
    };
    const ratio = (target: TargetId): Ratio => ({
      throughput: median(perRound.map((r) => r[target].requestsPerSecond / r.bare.requestsPerSecond)),
      p50: median(perRound.map((r) => r[target].p50Ms / r.bare.p50Ms)),
      p99: median(perRound.map((r) => r[target].p99Ms / r.bare.p99Ms)),
      cpuThroughput: median(perRound.map((r) => r.bare.serverCpuUsPerRequest / r[target].serverCpuUsPerRequest)),
    });

    await Promise.all(started.map((c) => c.stop()));
    started.length = 0;
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
      },
      goal: { minThroughputRatio: 0.8, maxP99Ratio: 1.2 },
      targets: { bare: figures('bare'), evaluate: figures('evaluate'), ofrep: figures('ofrep') },
      ratios: { evaluate: ratio('evaluate'), ofrep: ratio('ofrep') },
      rss: { ff: { idle: rssIdle.ff, afterRun: rssAfter.ff }, bare: { idle: rssIdle.bare, afterRun: rssAfter.bare } },
      ...(opts.profileDir ? { profile: opts.profileDir } : {}),
    };
  } finally {
    await Promise.all(started.map((c) => c.stop()));
    rmSync(work, { recursive: true, force: true });
  }
}

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

/** One request per target before timing anything: a benchmark of 401s would be worthless. */
async function checkAnswers(urls: Record<TargetId, string>, requests: Record<TargetId, { method?: string; path?: string; headers?: object; body?: unknown }[]>) {
  for (const target of Object.keys(urls) as TargetId[]) {
    const first = requests[target][0];
    if (!first) throw new Error(`no request for ${target}`);
    const res = await fetch(urls[target] + (first.path ?? '/'), {
      method: first.method ?? 'GET',
      headers: first.headers as Record<string, string>,
      body: first.body as string,
    });
    const text = await res.text();
    if (res.status !== 200 || !text.includes('"value"')) throw new Error(`${target}: ${res.status} ${text}`);
  }
}
