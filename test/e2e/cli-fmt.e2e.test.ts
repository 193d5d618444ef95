// `ff fmt` as a user runs it: the built binary rewriting real files in a temp copy.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadRepository } from '../../core/repo/index.js';
import { ROOT, runFf } from '../cli/support/run-ff.js';
import { copyDir, tempDir, type TempDir } from '../cli/support/temp-repo.js';

let tmp: TempDir;
let repo: string;

beforeEach(async () => {
  tmp = await tempDir('ff-fmt-e2e-');
  repo = join(tmp.path, 'flags');
  await copyDir(join(ROOT, 'flags'), repo);
});
afterEach(async () => {
  await tmp.remove();
});

/** Scrambles a flags file without changing its meaning: key order, indentation, a comment. */
function mess(source: string): string {
  return source
    .replace(/^version: 1\n/m, '')
    .replace(/^(flags:|segments:)/m, 'version: 1\n$1')
    .replace(/\n {4}type: (\w+)\n/, '\n    type:        $1    # messy spacing, kept comment\n')
    .replace(/^(\s+)description: /m, '$1description:   ')
    .concat('\n\n\n');
}

const loadAll = async (dir: string) => {
  const { tenants, diagnostics } = await loadRepository(dir);
  return { tenants, errors: diagnostics.filter((d) => d.severity === 'error') };
};

describe('ff fmt', () => {
  it('the example repository flags/ is already in canonical form', async () => {
    const check = await runFf(['fmt', '--check', join(ROOT, 'flags')]);
    expect(check.stdout).toBe('');
    expect(check.code).toBe(0);
  });

  it('fmt, then fmt --check exits 0 with nothing to list, and the meaning is unchanged', async () => {
    const before = await loadAll(repo);
    const first = await runFf(['fmt', repo]);
    expect(first.code).toBe(0);
    const check = await runFf(['fmt', repo, '--check']);
    expect(check.code).toBe(0);
    expect(check.stdout).toBe('');
    expect(check.stderr).toMatch(/^All \d+ files are already formatted; nothing would change\.\n$/);
    expect(await loadAll(repo)).toEqual(before);
  });

  it('--check lists a messy file, exits 1 and writes nothing; fmt fixes it and keeps its comments', async () => {
    await runFf(['fmt', repo]);
    const file = join(repo, 'acme', 'checkout.yaml');
    const messy = mess(await readFile(file, 'utf8'));
    await writeFile(file, messy);
    const before = await loadAll(repo);

    const check = await runFf(['fmt', repo, '--check']);
    expect(check.code).toBe(1);
    expect(check.stdout).toBe(`${file}\n`);
    expect(check.stderr).toContain('1 file is not formatted (nothing was written)');
    expect(await readFile(file, 'utf8')).toBe(messy);

    const fmt = await runFf(['fmt', repo]);
    expect(fmt.code).toBe(0);
    expect(fmt.stdout).toBe(`${file}\n`);
    const formatted = await readFile(file, 'utf8');
    expect(formatted).not.toBe(messy);
    expect(formatted).toContain('# messy spacing, kept comment');
    expect(formatted.startsWith('# yaml-language-server: $schema=')).toBe(true);

    expect((await runFf(['fmt', repo, '--check'])).code).toBe(0);
    expect(await loadAll(repo)).toEqual(before);
    expect((await runFf(['validate', repo])).code).toBe(0);
  });

  it('--diff prints what fmt would change as a unified diff, writes nothing, exits 1', async () => {
    await runFf(['fmt', repo]);
    const file = join(repo, 'acme', 'checkout.yaml');
    const clean = await readFile(file, 'utf8');
    const messy = mess(clean);
    await writeFile(file, messy);
    const r = await runFf(['fmt', repo, '--diff']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`--- a/${file}\n+++ b/${file}\n@@ `);
    expect(r.stdout.split('\n').some((l) => l.startsWith('-') && !l.startsWith('---'))).toBe(true);
    expect(r.stdout.split('\n').some((l) => l.startsWith('+') && !l.startsWith('+++'))).toBe(true);
    expect(await readFile(file, 'utf8')).toBe(messy);
    await runFf(['fmt', repo]);
    const none = await runFf(['fmt', repo, '--diff']);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe('');
  });

  it('reports a file that does not parse, leaves it untouched and exits 1', async () => {
    const file = join(repo, 'acme', 'broken.yaml');
    const broken = 'version: 1\nflags: [\n  - key: x\n';
    await writeFile(file, broken);
    const r = await runFf(['fmt', repo]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+ {2}error {4}[A-Z_]+ {2}`));
    expect(r.stderr).toContain('1 file could not be formatted and was left unchanged.');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await readFile(file, 'utf8')).toBe(broken);
    expect((await runFf(['fmt', repo, '--check'])).code).toBe(1);
  });

  it('a missing directory or unknown flag is one line, exit 1; --help has examples', async () => {
    const missing = await runFf(['fmt', join(tmp.path, 'nowhere')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^Error REPO_NOT_FOUND: [^\n]+\n$/);
    const unknown = await runFf(['fmt', repo, '--write']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^Error USAGE: [^\n]+\n$/);
    const help = await runFf(['fmt', '--help']);
    expect(help.stdout).toContain('EXAMPLES');
    expect(help.stdout).toContain('$ ff fmt flags --check');
  });
});
