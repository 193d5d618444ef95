import type { Commit } from '../../../core/diff/index.js';
import type { CommitMeta } from './revision-store.js';

/**
 * The commit as the HTTP API spells it (schemas/plan.schema.json `commit`:
 * remote_url, committed_at) ↔ as revisions store it (CommitMeta: remote,
 * time — the names watch mode's readCommit fills).
 */
export function commitMetaOf(commit: Commit): CommitMeta {
  const meta: CommitMeta = { sha: commit.sha };
  if (commit.author !== undefined) meta.author = commit.author;
  if (commit.email !== undefined) meta.email = commit.email;
  if (commit.message !== undefined) meta.message = commit.message;
  if (commit.branch !== undefined) meta.branch = commit.branch;
  if (commit.remote_url !== undefined) meta.remote = withoutCredentials(commit.remote_url);
  if (commit.committed_at !== undefined) meta.time = commit.committed_at;
  if (commit.dirty !== undefined) meta.dirty = commit.dirty;
  return meta;
}

export function wireCommitOf(meta: CommitMeta): Commit {
  const commit: Commit = { sha: meta.sha };
  if (meta.author !== undefined) commit.author = meta.author;
  if (meta.email !== undefined) commit.email = meta.email;
  if (meta.message !== undefined) commit.message = meta.message;
  if (meta.branch !== undefined) commit.branch = meta.branch;
  if (meta.remote !== undefined) commit.remote_url = meta.remote;
  if (meta.time !== undefined) commit.committed_at = meta.time;
  if (meta.dirty !== undefined) commit.dirty = meta.dirty;
  return commit;
}

/** A remote URL may carry a token (https://user:token@host/...): never store or show it. */
export function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1');
}
