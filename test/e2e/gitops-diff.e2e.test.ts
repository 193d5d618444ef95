// `ff diff A..B`: offline, between two commits, with the
// plan renderers; the working tree and the index are never touched.
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantFiles } from '../cli/support/ff-server.js';
import { createGitRepo, type GitRepo } from '../cli/support/git-repo.js';
import { ROOT, runFf } from '../cli/support/run-ff.js';
import { SMALL_REPO, tempDir, type TempDir } from '../cli/support/temp-repo.js';

let tmp: TempDir;
let repo: GitRepo;
let first: string;
let second: string;

beforeAll(async () => {
  tmp = await tempDir('ff-diff-e2e-');
  repo = await createGitRepo(join(tmp.path, 'repo'));
  await repo.write({ ...tenantFiles(SMALL_REPO, 'shop'), 'README.md': 'flags\n' });
  first = repo.commit('First');
  const file = join(repo.path, 'flags/shop/flags.yaml');
  await repo.write({
    'flags/shop/flags.yaml': readFileSync(file, 'utf8').replace('rollout: { green: 50, blue: 50 }', 'rollout: { green: 20, blue: 80 }').replace('include: [boss]', 'include: [boss, cfo]'),
    'flags/shop/more.yaml': 'version: 1\nflags:\n  - key: extra\n    type: boolean\n    variants: { on: true, off: false }\n    offVariant: off\n',
  });
  second = repo.commit('Second');
  // An uncommitted edit: ff diff reads commits, not the working tree.
  await repo.write({ 'flags/shop/flags.yaml': 'not: [valid' });
});
afterAll(async () => {
  await tmp?.remove();
});

describe('ff diff', () => {
  it('shows what changed between two commits, field by field', async () => {
    const r = await runFf(['diff', 'HEAD~1..HEAD', 'flags'], { cwd: repo.path });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Diff for tenant shop · all environments · HEAD~1 (${first.slice(0, 12)}) → HEAD (${second.slice(0, 12)})`);
    expect(r.stdout).toContain('~ update segment staff\n    include: +[cfo]\n');
    expect(r.stdout).toContain('prod.rules[1].serve.rollout.green: 50 → 20');
    expect(r.stdout).toMatch(/⚠ prod\.rules\[1\]: share of green goes down 50% → 20%/);
    expect(r.stdout).toContain('+ create flag extra');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('Plan: 1 to create, 2 to update, 0 to delete.');
    // Nothing in the repository moved.
    expect(repo.git('status', '--porcelain')).toBe('M flags/shop/flags.yaml');
  });

  it('reads the reverse range as deletions, from a sub-folder and with an absolute DIR', async () => {
    await mkdir(join(repo.path, 'flags', 'shop', 'nested'), { recursive: true });
    const r = await runFf(['diff', `${second}..${first}`, join(repo.path, 'flags'), '--detailed-exitcode'], { cwd: join(repo.path, 'flags', 'shop') });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('- delete flag extra');
    expect(r.stdout).toContain('include: -[cfo]');
  });

  it('prints one plan document per tenant as JSON, valid against the plan schema', async () => {
    const r = await runFf(['diff', `${first}..${second}`, 'flags', '--format', 'json', '--tenant', 'shop'], { cwd: repo.path });
    expect(r.code).toBe(0);
    const plans = JSON.parse(r.stdout) as { tenant: string; base_revision: number; summary: unknown }[];
    const schema = JSON.parse(readFileSync(join(ROOT, 'schemas/plan.schema.json'), 'utf8')) as object;
    const validate = new Ajv2020({ strict: true, allowUnionTypes: true }).compile(schema);
    expect(plans).toHaveLength(1);
    expect(validate(plans[0]), JSON.stringify(validate.errors)).toBe(true);
    expect(plans[0]).toMatchObject({ tenant: 'shop', base_revision: 0, summary: { create: 1, update: 2, delete: 0, drift: 0 } });
  });

  it('renders markdown and exits 0 for an empty range with --detailed-exitcode', async () => {
    const md = await runFf(['diff', `${first}..${second}`, 'flags', '-f', 'markdown'], { cwd: repo.path });
    expect(md.stdout.startsWith('<!-- ff-plan:shop -->\n### ff diff · tenant `shop`')).toBe(true);
    const same = await runFf(['diff', 'HEAD..HEAD', 'flags', '--detailed-exitcode'], { cwd: repo.path });
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('No changes between the two revisions.');
  });

  it('names an unknown revision, a bad range and a folder outside Git in one line', async () => {
    const unknown = await runFf(['diff', 'HEAD..no-such-branch', 'flags'], { cwd: repo.path });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('Error GIT: unknown revision "no-such-branch" (a branch, tag or commit of the repository)\n');
    const range = await runFf(['diff', 'HEAD', 'flags'], { cwd: repo.path });
    expect(range.code).toBe(1);
    expect(range.stderr).toMatch(/^Error USAGE: "HEAD" is not a range/);
    const outside = await runFf(['diff', 'HEAD~1..HEAD', tmp.path], { cwd: tmp.path });
    expect(outside.code).toBe(1);
    expect(outside.stderr).toMatch(/^Error NOT_A_GIT_REPOSITORY: /);
  });

  it('refuses a revision whose files are invalid, naming files as REV:path', async () => {
    await repo.write({ 'flags/shop/flags.yaml': readFileSync(join(repo.path, 'flags/shop/more.yaml'), 'utf8').replace('offVariant: off', 'offVariant: nope') });
    repo.commit('Broken');
    const r = await runFf(['diff', 'HEAD~1..HEAD', 'flags'], { cwd: repo.path });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^HEAD:flags\/shop\/flags\.yaml:\d+:\d+ {2}error /m);
    expect(r.stderr.trimEnd().split('\n').at(-1)).toMatch(/^Error REPO_INVALID: /);
  });
});
