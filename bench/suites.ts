// Every `make bench` suite, in the order bench/run.mjs runs them. This list is
// the one place a suite is registered: run.mjs runs it, and the smoke test
// (test/bench/suites.e2e.test.ts) runs every entry in --quick mode and fails
// when one throws, exits non-zero or prints no table. A suite's entry point is
// a compiled script that prints its figures as tables on stdout: bench/run.ts,
// or a folder's main.ts (the smoke test checks that each of those is listed).
import { spawnSync } from 'node:child_process';

export interface BenchSuite {
  /** What `--only` selects, and what the smoke test calls it. */
  name: string;
  /** Compiled entry point, relative to the project root. */
  script: string;
  measures: string;
}

export const BENCH_SUITES: readonly BenchSuite[] = [
  { name: 'engine+cli', script: 'dist/bench/run.js', measures: 'engine vs flagd-core, GrowthBook, Unleash; ff validate start-up and at scale vs js-yaml' },
  { name: 'server', script: 'dist/bench/server/main.js', measures: 'HTTP evaluation vs a bare Fastify route' },
  { name: 'gitops', script: 'dist/bench/gitops/main.js', measures: 'ff plan / apply on 5,000 flags' },
  { name: 'writes', script: 'dist/bench/writes/main.js', measures: 'write cost: 10,000-flag vs 20-flag tenant; first apply vs raw better-sqlite3' },
  { name: 'live', script: 'dist/bench/live/main.js', measures: 'propagation latency and index build' },
  { name: 'postgres', script: 'dist/bench/postgres/main.js', measures: 'PostgreSQL beside SQLite: first apply of 5,000 flags, one-flag apply and PUT, propagation to another replica at 10,000 flags, evaluation throughput' },
  { name: 'sdk', script: 'dist/bench/sdk/main.js', measures: 'SDK vs the bare engine, the ff OpenFeature provider vs flagd in-process, SDK memory, apply → SDK visible' },
  { name: 'refs', script: 'dist/bench/refs/main.js', measures: 'ff refs on a generated 100,000-file tree, walk and git ls-files modes, vs grep -rwF' },
  { name: 'body', script: 'dist/bench/body/main.js', measures: 'the JSON body reader vs bare JSON.parse (evaluate and apply bodies)' },
  { name: 'experiments', script: 'dist/bench/experiments/main.js', measures: 'event ingestion events/s vs raw inserts; results for 1M exposures and 5M events vs a full scan; evaluation with the exposure observer' },
  { name: 'console', script: 'dist/bench/console/main.js', measures: 'the console in Chromium: navigation to first rows, 10,000-flag vs 20-flag tenant' },
];

/** The Node arguments that run `suite` with `args` (--expose-gc lets harnesses collect garbage between rounds). */
export function suiteArgs(suite: BenchSuite, root: string, args: readonly string[]): string[] {
  return ['--expose-gc', `${root}/${suite.script}`, ...args];
}

/**
 * Runs `suites` one after the other, output inherited, and names those that
 * failed: exited non-zero (an uncaught error in a suite does that) or were
 * killed. A missing script is a failure too, not a skip.
 */
export function runSuites(suites: readonly BenchSuite[], root: string, args: readonly string[]): string[] {
  const failed: string[] = [];
  for (const suite of suites) {
    const run = spawnSync(process.execPath, suiteArgs(suite, root, args), { stdio: 'inherit' });
    if (run.status !== 0) failed.push(`${suite.name} (${run.signal ?? (run.error ? run.error.message : `exit ${run.status}`)})`);
  }
  return failed;
}
