// Real temporary Git repositories for the GitOps tests: `git` itself, a
// configured author, commits on `main`, an optional remote URL.
import { execFileSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export const AUTHOR = { name: 'Ada Lovelace', email: 'ada@example.test' };

export interface GitRepo {
  path: string;
  git(...args: string[]): string;
  write(files: Record<string, string>): Promise<void>;
  remove(file: string): Promise<void>;
  /** Stages everything and commits; returns the new sha. */
  commit(message: string): string;
  head(): string;
}

export async function createGitRepo(path: string, remote?: string): Promise<GitRepo> {
  await mkdir(path, { recursive: true });
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: path,
      encoding: 'utf8',
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' },
    }).trim();
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', AUTHOR.name);
  git('config', 'user.email', AUTHOR.email);
  git('config', 'commit.gpgsign', 'false');
  if (remote) git('remote', 'add', 'origin', remote);
  const repo: GitRepo = {
    path,
    git,
    write: async (files) => {
      for (const [file, content] of Object.entries(files)) {
        await mkdir(dirname(join(path, file)), { recursive: true });
        await writeFile(join(path, file), content);
      }
    },
    remove: (file) => rm(join(path, file), { force: true }),
    commit: (message) => {
      git('add', '-A');
      git('commit', '-q', '-m', message);
      return git('rev-parse', 'HEAD');
    },
    head: () => git('rev-parse', 'HEAD'),
  };
  return repo;
}
