// `ff refs` with the built binary on trees from scripts/gen-refs-tree.mjs and
// by hand: every reference found, none in ignored or binary files, in a Git
// work tree and outside one; the configuration and the output formats.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runFf } from '../cli/support/run-ff.js';
import { createGitRepo } from '../cli/support/git-repo.js';
import { tempDir, writeFiles, type TempDir } from '../cli/support/temp-repo.js';

let tmp: TempDir;
let tree: string;

interface RefsJson {
  version: number;
  summary: { flags: number; files: number; references: number; threads: number; byFlag: Record<string, number> };
  references: { file: string; line: number; column: number; flag: string; alias: string; text: string }[];
  unreferenced: string[];
}

beforeAll(async () => {
  tmp = await tempDir('ff-refs-e2e-');
  tree = join(tmp.path, 'tree');
  execFileSync(process.execPath, ['scripts/gen-refs-tree.mjs', '--out', tree, '--files', '12000', '--flags', '40', '--seed', '7', '--ignored', '50'], { cwd: ROOT });
});
afterAll(() => tmp.remove());

describe('ff refs on a generated tree', () => {
  it('finds exactly the references the generator wrote: none in node_modules/, *.log or binary files', async () => {
    const expected = JSON.parse(readFileSync(join(tree, 'expected.json'), 'utf8')) as { references: number };
    const r = await runFf(['refs', join(tree, 'src'), '--dir', join(tree, 'flags'), '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as RefsJson;
    expect(report.summary.references).toBe(expected.references);
    expect(report.summary.flags).toBe(40);
    // 12,000 files: one thread per core (up to 2 here), each searching its share, and none lost on the way.
    expect(report.summary.threads).toBe(Math.min(availableParallelism(), 2));
    expect(report.references.some((ref) => /node_modules|\.log$|\.png$/.test(ref.file))).toBe(false);
    // The tree's .ff-refs.yaml asks for camelCase and UPPER_SNAKE_CASE too.
    expect(new Set(report.references.map((ref) => (ref.alias === ref.flag ? 'key' : /^[A-Z_0-9]+$/.test(ref.alias) ? 'upper' : 'camel')))).toEqual(
      new Set(['key', 'camel', 'upper']),
    );
    expect(r.stderr).toMatch(new RegExp(`^${expected.references} references to \\d+ flags in \\d+ files searched`));
  });

  it('gives the same answer from git ls-files once the tree is a Git work tree', async () => {
    const before = JSON.parse((await runFf(['refs', join(tree, 'src'), '--dir', join(tree, 'flags'), '--json'])).stdout) as RefsJson;
    execFileSync('git', ['init', '-q'], { cwd: join(tree, 'src') });
    const after = JSON.parse((await runFf(['refs', join(tree, 'src'), '--dir', join(tree, 'flags'), '--json'])).stdout) as RefsJson;
    expect(after.references).toEqual(before.references);
  });
});

describe('ff refs by hand', () => {
  it('prints file:line:col, the flag and the line; lists the unreferenced flags; honours --flag and exclude', async () => {
    const repo = await createGitRepo(join(tmp.path, 'app'));
    await repo.write({
      'src/a.ts': "export const on = client.boolean('dark-mode', false);\n",
      'src/b.ts': '// nothing here\n',
      'src/gen/c.ts': "use('dark-mode');\n",
      'build/out.js': "'dark-mode'\n",
      '.gitignore': 'build/\n',
      '.ff-refs.yaml': 'version: 1\nexclude: ["src/gen/"]\n',
    });
    const r = await runFf(['refs', '--flag', 'dark-mode', '--flag', 'unused-flag'], { cwd: repo.path });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("src/a.ts:1:35  dark-mode  export const on = client.boolean('dark-mode', false);\n");
    expect(r.stderr).toContain('1 reference to 1 flag in');
    expect(r.stderr).toContain('Not referenced: unused-flag.');
  });

  it('refuses a missing root and an invalid configuration', async () => {
    const missing = await runFf(['refs', join(tmp.path, 'nope'), '--flag', 'x']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('is not a directory');
    const root = join(tmp.path, 'badconf');
    await writeFiles(root, { '.ff-refs.yaml': 'version: 1\naliases: [kebabCaseish]\n' });
    const bad = await runFf(['refs', root, '--flag', 'x']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('REFS_CONFIG_INVALID');
    expect(bad.stderr).toContain('.ff-refs.yaml:2:');
    // A pattern that does not compile is named at its own line and column, before any file is read.
    await writeFiles(root, { '.ff-refs.yaml': 'version: 1\npatterns:\n  - "FF_([A-Z_]+"\n' });
    const regex = await runFf(['refs', root, '--flag', 'x']);
    expect(regex.code).toBe(1);
    expect(regex.stderr).toContain('REFS_CONFIG_INVALID');
    expect(regex.stderr).toMatch(/\.ff-refs\.yaml:3:5 .*REGEX_INVALID/);
  });

  it('finds what a configured pattern captures, beside the token matches', async () => {
    const root = join(tmp.path, 'patterns');
    await writeFiles(root, {
      'src/env.ts': 'const on = process.env.FF_DARK_MODE === "1"; // dark-mode\n',
      '.ff-refs.yaml': 'version: 1\naliases: [upperSnakeCase]\npatterns: ["FF_([A-Z0-9_]+)"]\n',
    });
    const r = await runFf(['refs', root, '--flag', 'dark-mode', '--json']);
    expect(r.code).toBe(0);
    const refs = (JSON.parse(r.stdout) as { references: { line: number; column: number; alias: string }[] }).references;
    expect(refs.map((x) => [x.line, x.column, x.alias])).toEqual([
      [1, 27, 'DARK_MODE'],
      [1, 49, 'dark-mode'],
    ]);
  });
});
