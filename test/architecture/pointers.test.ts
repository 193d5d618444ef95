// Comments and docs say why in their own words: none points a reader at an
// issue number or at the product spec and working folders outside the
// repository, which a reader of the repository cannot follow. CHANGELOG.md
// is the exception: its sections are grouped by the issue that brought them.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DIRS = ['core', 'cli', 'server', 'sdk/src', 'sdk/test', 'console/src', 'console/test', 'scripts', 'bench', 'test', 'docs', 'schemas', 'deploy', 'github-action', 'flags', '.github', '.ci'];
const FILES = ['README.md', 'DEVELOPERS.md', 'Makefile', 'Dockerfile', 'compose.yaml', 'eslint.config.js', 'vitest.config.ts', 'package.json'];
const SKIP = new Set(['node_modules', 'dist', 'fixtures']);

// Spelled in pieces so that this file does not match itself.
const POINTERS: readonly [string, RegExp][] = [
  ['an issue number', new RegExp(['\\bissues?', '\\s+#?\\d+\\b'].join(''), 'i')],
  ['the product spec', new RegExp(['\\bSPEC', '(\\.md)?\\s*§|', 'SPEC', '\\.md'].join(''))],
  ['a working folder outside the repository', new RegExp(['/work/', '(shared|main|brief|notes|wt-)'].join(''))],
];

function files(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    if (SKIP.has(name)) return [];
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return files(full);
    return /\.(ts|mts|js|mjs|cjs|json|ya?ml|md|sh|sql|tsx|css|html)$|^(Makefile|Dockerfile|run)$/.test(name) ? [full] : [];
  });
}

describe('pointers outside the repository', () => {
  it('no comment or doc names an issue number, the product spec or a working folder', () => {
    const all = [...DIRS.flatMap((d) => files(path.join(ROOT, d))), ...FILES.map((f) => path.join(ROOT, f))];
    expect(all.length).toBeGreaterThan(100);
    const found: string[] = [];
    for (const file of all) {
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        for (const [what, pattern] of POINTERS) {
          if (pattern.test(line)) found.push(`${path.relative(ROOT, file)}:${i + 1}: ${what}: ${line.trim().slice(0, 120)}`);
        }
      });
    }
    expect(found).toEqual([]);
  });
});
