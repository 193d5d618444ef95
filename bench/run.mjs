// `make bench` entry point: runs each compiled harness (dist/bench/..., which
// `make bench` builds first) in its own child Node, one after the other so they
// never compete for the two cores. --expose-gc lets harnesses collect garbage
// between rounds. Arguments pass through (e.g. --only engine, --quick); each
// harness ignores options it does not know and skips itself for another --only.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SUITES = [
  'dist/bench/run.js', // engine vs flagd-core, GrowthBook, Unleash; ff validate start-up (issue 2)
  'dist/bench/server/main.js', // HTTP evaluation vs a bare Fastify route (issue 3)
  'dist/bench/gitops/main.js', // ff plan / apply on 5,000 flags (issue 4)
  'dist/bench/live/main.js', // propagation latency and index build (issue 5)
];

let failed = 0;
for (const suite of SUITES) {
  const path = fileURLToPath(new URL(`../${suite}`, import.meta.url));
  if (!existsSync(path)) {
    console.error(`bench: ${path} is missing; run \`npm run build\` (or \`make bench\`) first`);
    process.exit(1);
  }
  const run = spawnSync(process.execPath, ['--expose-gc', path, ...process.argv.slice(2)], { stdio: 'inherit' });
  if (run.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
