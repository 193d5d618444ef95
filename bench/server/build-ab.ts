// Before/after of a server change on a busy machine: the apps of two or more
// builds (each a copy of dist/, e.g. `cp -a dist /tmp/before-dist` before the
// change, and this worktree's dist/ after it) in ONE process, the same
// requests sent to each through inject() in small alternating batches, and
// the CPU time per request of each batch. Neighbours' load moves every
// figure, but alternating batches of a fraction of a second makes it move
// each build's alike; the figure is the median over rounds of the same-round
// difference to the first build. inject() skips the sockets (what the
// socket-level server bench measures), so absolute figures are not the
// server bench's; the differences are what a change saves.
//
//   node dist/bench/server/build-ab.js DIST_A DIST_B [...] [--set evaluate|ofrep|bulk] [--rounds 300] [--batch 200]
//
// A DIST is a dist/ directory with schemas/ next to it (the copy needs
// `cp -a schemas` beside it and a node_modules it resolves from).
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { FastifyInstance, InjectOptions } from 'fastify';
import type * as AppModule from '../../server/app.js';
import type * as DevTokenModule from '../../server/auth/dev-token.js';
import type * as ConfigModule from '../../server/config.js';
import type * as LogDestinationModule from '../../server/observability/log-destination.js';
import { median } from '../lib/stats.js';
import { projectRoot } from '../lib/root.js';
import { contexts, ENVIRONMENT, requestsFor, TENANT, type RequestSetId } from './workload.js';

const SECRET = 'build-ab-secret-that-is-at-least-32-bytes-long';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { set: { type: 'string', default: 'evaluate' }, rounds: { type: 'string', default: '300' }, batch: { type: 'string', default: '200' } },
});
if (positionals.length < 2) throw new Error('usage: build-ab.js DIST_A DIST_B [...]');
const set = values.set as RequestSetId;
const rounds = Number(values.rounds);
const batch = Number(values.batch);

interface Build {
  dist: string;
  app: FastifyInstance;
  requests: InjectOptions[];
  dir: string;
  cpuUs: number[];
}

const devNull = openSync('/dev/null', 'w');
const builds: Build[] = [];
for (const dist of positionals.map((d) => path.resolve(d))) {
  const { buildApp } = (await import(path.join(dist, 'server/app.js'))) as typeof AppModule;
  const { loadConfig } = (await import(path.join(dist, 'server/config.js'))) as typeof ConfigModule;
  const { BufferedLogDestination } = (await import(path.join(dist, 'server/observability/log-destination.js'))) as typeof LogDestinationModule;
  const { mintToken } = (await import(path.join(dist, 'server/auth/dev-token.js'))) as typeof DevTokenModule;
  const dir = mkdtempSync(path.join(tmpdir(), 'ff-build-ab-'));
  const config = loadConfig({ FF_JWT_SECRET: SECRET, FF_PORT: '0', FF_LOG_LEVEL: 'info', FF_DB_PATH: path.join(dir, 'ff.db'), FF_SEED_DIR: path.join(dir, 'no-seed') });
  // The production log writer, into /dev/null: the line is built and written, nobody reads it.
  const app = await buildApp(config, { logDestination: new BufferedLogDestination(devNull) });
  await app.ready();
  await app.ff.seed(path.join(projectRoot(), 'flags'));
  await app.ff.loadIndexes();
  const token = await mintToken({ secret: SECRET, tenants: [TENANT], sub: 'build-ab' });
  const made = await app.inject({
    method: 'POST',
    url: '/v1/api-keys',
    headers: { authorization: `Bearer ${token}`, 'x-tenant-id': TENANT, 'content-type': 'application/json' },
    payload: JSON.stringify({ name: 'build-ab', environment: ENVIRONMENT }),
  });
  const key = (made.json() as { key: string }).key;
  const requests = requestsFor(set, key, contexts(64)).map(
    (r) => ({ method: r.method, url: r.path, headers: r.headers, payload: r.body }) as InjectOptions,
  );
  builds.push({ dist, app, requests, dir, cpuUs: [] });
}

async function send(b: Build, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const res = await b.app.inject(b.requests[i % b.requests.length] as InjectOptions);
    if (res.statusCode !== 200) throw new Error(`${b.dist}: ${res.statusCode} ${res.body.slice(0, 200)}`);
  }
}

try {
  for (const b of builds) await send(b, 3000); // warm-up: JIT, caches
  for (let r = 0; r < rounds; r++) {
    // Alternate the order too, so neither build always follows the other.
    for (const b of r % 2 === 0 ? builds : [...builds].reverse()) {
      const before = process.cpuUsage();
      await send(b, batch);
      const used = process.cpuUsage(before);
      b.cpuUs.push((used.user + used.system) / batch);
    }
  }
  const first = builds[0] as Build;
  console.log(`${set}: ${rounds} rounds × ${batch} requests per build, inject(), CPU time per request`);
  console.log('| build | median µs/request | same-round difference to the first (median) |');
  console.log('|---|---:|---:|');
  for (const b of builds) {
    const diff = median(b.cpuUs.map((x, i) => x - (first.cpuUs[i] as number)));
    console.log(`| ${b.dist} | ${median(b.cpuUs).toFixed(2)} | ${b === first ? '' : `${diff >= 0 ? '+' : ''}${diff.toFixed(2)}`} |`);
  }
} finally {
  for (const b of builds) {
    await b.app.close();
    rmSync(b.dir, { recursive: true, force: true });
  }
}
