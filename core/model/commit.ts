// The Git commit a change came from has one shape everywhere: `Commit`, the
// `commit` of schemas/plan.schema.json, as `ff apply` sends it, revisions
// store it, and the audit log and watch status show it. Pure string work
// only: reading a commit from a checkout is git/read-commit.ts.
import type { Commit } from './schema-types.js';

/** Longest commit message the server records (a commit's full message can be any size). */
export const MAX_COMMIT_MESSAGE = 4096;

const SCHEME_URL = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/is;

/**
 * A remote URL with its credentials removed: a token must never reach the
 * server, the database, the audit trail or a log. For `scheme://` URLs the
 * user information goes (everything before the authority's last `@`, so a
 * password holding an unescaped `@` goes whole) and so do the query and the
 * fragment (some hosts take a token there). Anything else — an scp-like
 * `git@host:org/repo.git`, whose user names the SSH account and is no
 * secret, or a local path — is returned as it is. The text is never
 * re-serialised, so a clean URL comes back byte for byte.
 */
export function withoutCredentials(url: string): string {
  const parts = SCHEME_URL.exec(url);
  if (parts === null) return url;
  const [, scheme = '', authority = '', rest = ''] = parts;
  const host = authority.slice(authority.lastIndexOf('@') + 1);
  const path = rest.split(/[?#]/, 1)[0] ?? '';
  return `${scheme}${host}${path}`;
}

/** The commit as the server records it: no credentials in `remote_url`, the message capped. */
export function recordedCommit(commit: Commit): Commit {
  const recorded: Commit = { ...commit };
  if (recorded.remote_url !== undefined) recorded.remote_url = withoutCredentials(recorded.remote_url);
  if (recorded.message !== undefined && recorded.message.length > MAX_COMMIT_MESSAGE) {
    recorded.message = recorded.message.slice(0, MAX_COMMIT_MESSAGE);
  }
  return recorded;
}
