// What `ff apply` records about where the files came from: the commit of the
// Git repository the flags directory lives in. Loaded with import() by the
// apply action, so simple-git is never paid for by other commands.
import { resolve } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import type { Commit } from '../../core/model/schema-types.js';
import { CliError } from '../errors.js';
import { messages } from '../messages.js';
import { stripCredentials } from './commit-url.js';

export interface CommitInfo extends Commit {
  sha: string;
  dirty: boolean;
  /** Uncommitted paths under the flags directory (what made it dirty), as git prints them. */
  dirtyPaths: string[];
}

async function optional(work: () => Promise<string>): Promise<string | undefined> {
  try {
    const out = (await work()).trim();
    return out === '' ? undefined : out;
  } catch {
    return undefined;
  }
}

async function remoteUrl(git: SimpleGit): Promise<string | undefined> {
  const remotes = await git.getRemotes(true).catch(() => []);
  const chosen = remotes.find((r) => r.name === 'origin') ?? remotes[0];
  const url = chosen?.refs.fetch || chosen?.refs.push;
  return url ? stripCredentials(url) : undefined;
}

/**
 * The HEAD commit of the repository holding `dir`. "Dirty" looks only inside
 * `dir`: modified, staged, deleted or untracked (not ignored) files there
 * would make the applied state differ from the commit, while an edited README
 * elsewhere in the repository would not.
 */
export async function readCommit(dir: string): Promise<CommitInfo> {
  const git = simpleGit({ baseDir: resolve(dir) });
  const top = await optional(() => git.revparse(['--show-toplevel']));
  if (top === undefined) throw new CliError('NOT_A_GIT_REPOSITORY', messages.notAGitRepository(dir));
  let log: string;
  try {
    log = await git.raw(['log', '-1', '--format=%H%x00%an%x00%ae%x00%cI%x00%B']);
  } catch {
    throw new CliError('NOT_A_GIT_REPOSITORY', messages.noCommitYet(top));
  }
  const [sha = '', author = '', email = '', committedAt = '', ...rest] = log.split('\0');
  const status = await git.raw(['status', '--porcelain', '--untracked-files=all', '--', '.']);
  const dirtyPaths = status
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line !== '');
  const commit: CommitInfo = {
    sha: sha.trim(),
    author,
    email,
    message: rest.join('\0').trim(),
    committed_at: committedAt,
    dirty: dirtyPaths.length > 0,
    dirtyPaths,
  };
  const branch = await optional(() => git.raw(['symbolic-ref', '--quiet', '--short', 'HEAD']));
  if (branch !== undefined) commit.branch = branch;
  const remote = await remoteUrl(git);
  if (remote !== undefined) commit.remote_url = remote;
  return commit;
}

/** The commit as the apply endpoint takes it (schemas/plan.schema.json#/$defs/commit). */
export function toWireCommit(info: CommitInfo): Commit {
  const { dirtyPaths: _paths, ...commit } = info;
  return commit;
}
