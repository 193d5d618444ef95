import { simpleGit } from 'simple-git';
import type { CommitMeta } from '../features/state/revision-store.js';

const MAX_MESSAGE = 4096;
const FIELD = '\u001f';

/**
 * The commit a flags directory is checked out at, read with simple-git (git
 * must be on PATH): sha, author, e-mail, full message, branch (absent when
 * detached), remote URL (origin, else the first; credentials removed), commit
 * time and whether the directory has uncommitted changes. Null when the
 * directory is not inside a Git work tree or the repository has no commit yet.
 */
export async function readCommit(dir: string): Promise<CommitMeta | null> {
  const git = simpleGit({ baseDir: dir, timeout: { block: 10_000 } });
  if (!(await git.checkIsRepo())) return null;
  let head: string;
  try {
    head = await git.raw(['log', '-1', `--format=%H${FIELD}%an${FIELD}%ae${FIELD}%cI${FIELD}%B`]);
  } catch {
    return null; // `git init` with no commit yet: nothing to record
  }
  const [sha, author, email, time, ...message] = head.split(FIELD);
  if (sha === undefined || !/^[0-9a-f]{40,64}$/.test(sha.trim())) return null;
  const [branch, status, remotes] = await Promise.all([
    git.raw(['rev-parse', '--abbrev-ref', 'HEAD']),
    git.raw(['status', '--porcelain', '--', '.']),
    git.getRemotes(true),
  ]);
  const remote = remotes.find((r) => r.name === 'origin') ?? remotes[0];
  const meta: CommitMeta = {
    sha: sha.trim(),
    ...(author ? { author } : {}),
    ...(email ? { email } : {}),
    message: message.join(FIELD).trim().slice(0, MAX_MESSAGE),
    ...(time ? { time: new Date(time).toISOString() } : {}),
    dirty: status.trim() !== '',
  };
  if (branch.trim() !== '' && branch.trim() !== 'HEAD') meta.branch = branch.trim();
  const url = remote?.refs.fetch || remote?.refs.push;
  if (url) meta.remote = withoutCredentials(url);
  return meta;
}

/** https://user:token@host/repo → https://host/repo: a token must never reach the database or the audit trail. */
export function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === '' && parsed.password === '') return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url; // scp-like git@host:org/repo.git: the user is not a secret
  }
}
