// Vitest global setup for end-to-end tests: they run the BUILT `ff` binary
// (bin/run.js → dist/), so make sure dist/ and oclif.manifest.json are current.
// Builds only when a source is newer than the last build, so a second run is free.
// Several vitest processes may share this checkout: a lock directory makes them
// build one at a time, and the later ones find the build fresh and skip it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';

const ROOT = resolve(import.meta.dirname, '../..');
/** Written last by `npm run build` (tsc && oclif manifest): its age is the build's age. */
const STAMP = join(ROOT, 'oclif.manifest.json');
const SOURCE_DIRS = ['core', 'git', 'cli', 'server', 'sdk/src', 'bench', 'schemas', 'scripts', 'console/src'];
const SOURCE_FILES = ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'tsconfig.sdk-types.json'];
const LOCK = join(tmpdir(), `ff-build-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}.lock`);
const LOCK_STALE_MS = 10 * 60_000;
const LOCK_WAIT_MS = 10 * 60_000;

function mtimeOrZero(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function newestSourceMtime(): number {
  let newest = Math.max(...SOURCE_FILES.map((f) => mtimeOrZero(join(ROOT, f))));
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else newest = Math.max(newest, mtimeOrZero(path));
    }
  };
  for (const dir of SOURCE_DIRS) walk(join(ROOT, dir));
  return newest;
}

function buildIsStale(): boolean {
  const built = mtimeOrZero(STAMP);
  return built === 0 || mtimeOrZero(join(ROOT, 'dist', 'cli', 'commands')) === 0 || newestSourceMtime() > built;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function withLock<T>(work: () => T): T {
  const deadline = performance.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - mtimeOrZero(LOCK);
      if (age > LOCK_STALE_MS) rmSync(LOCK, { recursive: true, force: true });
      else if (performance.now() > deadline) throw new Error(`timed out waiting for the build lock ${LOCK}`);
      else sleep(500);
    }
  }
  try {
    return work();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

export default function setup(): void {
  if (!buildIsStale()) return;
  withLock(() => {
    if (!buildIsStale()) return; // another process built while we waited
    const result = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', env: process.env });
    if (result.status !== 0) {
      const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n');
      throw new Error(`e2e global setup: \`npm run build\` failed (exit ${result.status}):\n${output}`);
    }
  });
}
