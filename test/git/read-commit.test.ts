// readCommit (the one reader of a checkout's commit, for the CLI and watch
// mode) and the CLI's refusals around it, on real temporary repositories.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError } from '../../cli/errors.js';
import { flagsCommit } from '../../cli/git/flags-commit.js';
import { readCommit, type CommitRead } from '../../git/read-commit.js';
import { AUTHOR, createGitRepo, type GitRepo } from '../cli/support/git-repo.js';
import { tempDir, type TempDir } from '../cli/support/temp-repo.js';

let tmp: TempDir;
let repo: GitRepo;
let sha: string;

beforeAll(async () => {
  tmp = await tempDir('ff-git-commit-');
  repo = await createGitRepo(join(tmp.path, 'repo'), 'https://ci-bot:s3cret@github.com/org/flags.git');
  await repo.write({ 'flags/acme/a.yaml': 'a\n', 'docs/readme.md': 'x\n' });
  sha = repo.commit('Add acme\n\nWith a body.');
});
afterAll(async () => {
  await tmp?.remove();
});

async function found(dir: string): Promise<Extract<CommitRead, { found: 'commit' }>> {
  const read = await readCommit(dir);
  if (read.found !== 'commit') throw new Error(`no commit read in ${dir}: ${read.found}`);
  return read;
}

async function refusal(dir: string): Promise<CliError> {
  const error = await flagsCommit(dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CliError);
  return error as CliError;
}

describe('readCommit', () => {
  it('reads the HEAD commit: sha, author, email, message, branch, remote without credentials, time', async () => {
    const read = await found(join(repo.path, 'flags'));
    expect(read).toEqual({
      found: 'commit',
      top: repo.path,
      commit: {
        sha,
        author: AUTHOR.name,
        email: AUTHOR.email,
        message: 'Add acme\n\nWith a body.',
        branch: 'main',
        remote_url: 'https://github.com/org/flags.git',
        committed_at: repo.git('log', '-1', '--format=%cI').trim(),
        dirty: false,
      },
      dirtyPaths: [],
    });
    expect(read.commit.committed_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
  });

  it('counts as dirty only what changed inside the flags directory, untracked files included', async () => {
    await repo.write({ 'docs/readme.md': 'edited\n' });
    expect((await found(join(repo.path, 'flags'))).commit.dirty).toBe(false);
    await repo.write({ 'flags/acme/new.yaml': 'n\n' });
    const dirty = await found(join(repo.path, 'flags'));
    expect(dirty.commit.dirty).toBe(true);
    expect(dirty.dirtyPaths).toEqual(['?? flags/acme/new.yaml']);
    await repo.remove('flags/acme/new.yaml');
    repo.git('checkout', '--', 'docs/readme.md');
  });

  it('has no branch on a detached HEAD', async () => {
    repo.git('checkout', '-q', '--detach');
    try {
      const { commit } = await found(join(repo.path, 'flags'));
      expect(commit.sha).toBe(sha);
      expect(commit).not.toHaveProperty('branch');
    } finally {
      repo.git('checkout', '-q', 'main');
    }
  });

  it('says when a folder is outside Git or its repository has no commit yet', async () => {
    const outside = join(tmp.path, 'plain');
    await mkdir(outside);
    expect(await readCommit(outside)).toEqual({ found: 'no-repository' });
    const fresh = await createGitRepo(join(tmp.path, 'fresh'));
    expect(await readCommit(fresh.path)).toEqual({ found: 'no-commit', top: fresh.path });
  });
});

describe('flagsCommit (ff plan --out, ff apply)', () => {
  it('refuses a folder outside Git and a repository without a commit', async () => {
    const outside = join(tmp.path, 'plain2');
    await mkdir(outside);
    const error = await refusal(outside);
    expect(error.code).toBe('NOT_A_GIT_REPOSITORY');
    expect(error.message).not.toContain('has no commit yet');
    const fresh = await createGitRepo(join(tmp.path, 'fresh2'));
    const unborn = await refusal(fresh.path);
    expect(unborn.code).toBe('NOT_A_GIT_REPOSITORY');
    expect(unborn.message).toContain('has no commit yet');
  });
});
