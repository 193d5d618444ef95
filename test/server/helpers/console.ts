import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { defaultConsoleDir } from '../../../server/features/console/routes.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');

/** The console's built assets (dist/console), building them first when missing: esbuild takes about a second. */
export function builtConsole(): { dir: string; assets: string[] } {
  const dir = defaultConsoleDir();
  if (!existsSync(path.join(dir, 'index.html'))) execFileSync(process.execPath, [path.join(ROOT, 'scripts/build-console.mjs')], { cwd: ROOT, stdio: 'ignore' });
  return { dir, assets: readdirSync(path.join(dir, 'assets')) };
}
