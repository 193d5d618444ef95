// `make bench` entry point: runs the compiled harness (dist/bench/run.js, which
// `make bench` builds first) in a child Node with --expose-gc, so the harness can
// collect garbage between rounds. Arguments pass through (e.g. --only engine, --quick).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const harness = fileURLToPath(new URL('../dist/bench/run.js', import.meta.url));
if (!existsSync(harness)) {
  console.error(`bench: ${harness} is missing; run \`npm run build\` (or \`make bench\`) first`);
  process.exit(1);
}
const run = spawnSync(process.execPath, ['--expose-gc', harness, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(run.status ?? 1);
