// The CLI as users install it: the @ff/cli package (cli/package.json) packed
// and installed into an empty project, so `make bench` times the start-up of
// what a CI runner runs, not of this repository's development entry point.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Packs cli/ and installs it (offline: it has no dependencies) under `work`; returns the installed bin. */
export function installCliPackage(root: string, work: string): string {
  const env = { ...process.env, npm_config_cache: path.join(work, 'npm-cache') };
  const packed = JSON.parse(
    execFileSync('npm', ['pack', path.join(root, 'cli'), '--pack-destination', work, '--json'], { cwd: work, encoding: 'utf8', env }),
  ) as { filename: string }[];
  const project = path.join(work, 'installed-cli');
  mkdirSync(project, { recursive: true });
  writeFileSync(path.join(project, 'package.json'), '{"name":"bench-consumer","version":"1.0.0","private":true}\n');
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', path.join(work, packed[0]!.filename)], { cwd: project, env, stdio: 'ignore' });
  return path.join(project, 'node_modules/@ff/cli/dist/ff.cjs');
}
