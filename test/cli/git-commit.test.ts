// readCommit on real temporary repositories.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError } from '../../cli/errors.js';
import { readCommit, toWireCommit } from '../../cli/git/read-commit.js';
import { AUTHOR, createGitRepo, type GitRepo } from './support/git-repo.js';
import { tempDir, type TempDir } from './support/temp-repo.js';

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

async function refusal(dir: string): Promise<CliError> {
  const error = await readCommit(dir).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CliError);
  return error as CliError;
}

describe('readCommit', () => {
  it('reads the HEAD commit: sha, author, email, message, branch, remote without credentials, time', async () => {
    const commit = await readCommit(join(repo.path, 'flags'));
    expect(commit).toEqual({
      sha,
      author: AUTHOR.name,
      email: AUTHOR.email,
      message: 'Add acme\n\nWith a body.',
      branch: 'main',
      remote_url: 'https://github.com/org/flags.git',
      committed_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/) as unknown,
      dirty: false,
      dirtyPaths: [],
    });
    expect(toWireCommit(commit)).not.toHaveProperty('dirtyPaths');
  });

  it('counts as dirty only what changed inside the flags directory, untracked files included', async () => {
    await repo.write({ 'docs/readme.md': 'edited\n' });
    expect((await readCommit(join(repo.path, 'flags'))).dirty).toBe(false);
    await repo.write({ 'flags/acme/new.yaml': 'n\n' });
    const dirty = await readCommit(join(repo.path, 'flags'));
    expect(dirty.dirty).toBe(true);
    expect(dirty.dirtyPaths).toEqual(['?? flags/acme/new.yaml']);
    await repo.remove('flags/acme/new.yaml');
    repo.git('checkout', '--', 'docs/readme.md');
  });

  it('has no branch on a detached HEAD', async () => {
    repo.git('checkout', '-q', '--detach');
    try {
      const commit = await readCommit(join(repo.path, 'flags'));
      expect(commit.sha).toBe(sha);
      expect(commit).not.toHaveProperty('branch');
    } finally {
      repo.git('checkout', '-q', 'main');
    }
  });

  it('refuses a folder outside Git and a repository without a commit', async () => {
    const outside = join(tmp.path, 'plain');
    await mkdir(outside);
    expect((await refusal(outside)).code).toBe('NOT_A_GIT_REPOSITORY');
    const fresh = await createGitRepo(join(tmp.path, 'fresh'));
    const error = await refusal(fresh.path);
    expect(error.code).toBe('NOT_A_GIT_REPOSITORY');
    expect(error.message).toContain('has no commit yet');
  });
});
