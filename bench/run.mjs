// `make bench` entry point: runs every suite of bench/suites.ts (compiled to
// dist/, which `make bench` builds first), each in its own child Node, one
// after the other so they never compete for the two cores. Arguments pass
// through (e.g. --only engine, --quick); each suite ignores options it does not
// know and skips itself for another --only. Exits 1, naming them, when any
// suite failed (threw, or exited non-zero).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
const registry = `${root}/dist/bench/suites.js`;
if (!existsSync(registry)) {
  console.error(`bench: ${registry} is missing; run \`npm run build\` (or \`make bench\`) first`);
  process.exit(1);
}
const { BENCH_SUITES, runSuites } = await import(registry);
const failed = runSuites(BENCH_SUITES, root, process.argv.slice(2));
if (failed.length > 0) console.error(`\nbench: FAILED: ${failed.join(', ')}`);
process.exit(failed.length === 0 ? 0 : 1);
