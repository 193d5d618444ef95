// Reads the commit a directory's Git checkout is at, with simple-git (git must
// be on PATH). The one reader of a commit: `ff plan --out` and `ff apply`
// send it, watch mode records it. Outside core/ because it runs git; the CLI
// loads it with import(), so simple-git is never paid for by other commands.
import { resolve } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { withoutCredentials } from '../core/model/commit.js';
import type { Commit } from '../core/model/schema-types.js';

/** What reading `dir`'s commit found. */
export type CommitRead =
  /** `dir` is not inside a Git work tree. */
  | { found: 'no-repository' }
  /** A repository (its top-level directory) with no commit yet: `git init` alone. */
  | { found: 'no-commit'; top: string }
  | {
      found: 'commit';
      top: string;
      commit: Commit;
      /** Uncommitted paths under `dir` (what made it dirty), as `git status --porcelain` prints them. */
      dirtyPaths: string[];
    };

const FIELD = '\u001f';

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
  return url ? withoutCredentials(url) : undefined;
}

/**
 * The HEAD commit of the repository holding `dir`: sha, author, e-mail, full
 * message, branch (absent when detached), remote URL (origin, else the first;
 * credentials removed), commit time as git prints it (ISO 8601 with the
 * committer's offset) and whether `dir` is dirty. "Dirty" looks only inside
 * `dir`: modified, staged, deleted or untracked (not ignored) files there
 * make the applied state differ from the commit, an edited README elsewhere
 * in the repository does not.
 */
export async function readCommit(dir: string): Promise<CommitRead> {
  const git = simpleGit({ baseDir: resolve(dir), timeout: { block: 10_000 } });
  const top = await optional(() => git.revparse(['--show-toplevel']));
  if (top === undefined) return { found: 'no-repository' };
  const head = await optional(() => git.raw(['log', '-1', `--format=%H${FIELD}%an${FIELD}%ae${FIELD}%cI${FIELD}%B`]));
  if (head === undefined) return { found: 'no-commit', top };
  const [sha = '', author = '', email = '', committedAt = '', ...message] = head.split(FIELD);
  const status = await git.raw(['status', '--porcelain', '--untracked-files=all', '--', '.']);
  const dirtyPaths = status
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line !== '');
  const commit: Commit = { sha: sha.trim() };
  if (author !== '') commit.author = author;
  if (email !== '') commit.email = email;
  commit.message = message.join(FIELD).trim();
  const branch = await optional(() => git.raw(['symbolic-ref', '--quiet', '--short', 'HEAD']));
  if (branch !== undefined) commit.branch = branch;
  const remote = await remoteUrl(git);
  if (remote !== undefined) commit.remote_url = remote;
  if (committedAt !== '') commit.committed_at = committedAt;
  commit.dirty = dirtyPaths.length > 0;
  return { found: 'commit', top, commit, dirtyPaths };
}
