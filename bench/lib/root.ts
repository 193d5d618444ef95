// The project root, found by walking up to our package.json, so the benches run
// the same from bench/ (vitest) and from dist/bench/ (make bench).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function projectRoot(from: string = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'ff') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no ff package.json above ${from}`);
    dir = parent;
  }
}

export function projectVersion(root: string): string {
  return (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
}
