// Links to a commit on the forge the remote points at, derived from the remote
// URL alone (no network). Unknown hosts get no link: the sha is shown as is.

export interface RemoteRepo {
  host: string;
  /** org/repo, or group/subgroup/repo on GitLab. */
  path: string;
}

/** https://host/org/repo(.git), ssh://git@host[:port]/org/repo(.git), git@host:org/repo(.git). */
export function parseRemote(remote: string): RemoteRepo | undefined {
  const trimmed = remote.trim();
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)(.+)$/.exec(trimmed);
  let host: string;
  let path: string;
  if (scp && !/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    host = scp[1]!;
    path = scp[2]!;
  } else {
    let url: URL;
    try {
      url = new URL(trimmed);
    } catch {
      return undefined;
    }
    if (!['https:', 'http:', 'ssh:', 'git:', 'git+ssh:'].includes(url.protocol)) return undefined;
    host = url.hostname;
    path = url.pathname;
  }
  path = path.replace(/^\/+/, '').replace(/\/+$/, '').replace(/\.git$/, '');
  if (host === '' || !/^[^/]+\/.+$/.test(path)) return undefined;
  return { host: host.toLowerCase(), path };
}

/** The commit's web page, for GitHub and GitLab (github.com, gitlab.com and hosts named after them). */
export function commitUrl(remote: string | undefined, sha: string): string | undefined {
  if (remote === undefined || !/^[0-9a-f]{4,64}$/i.test(sha)) return undefined;
  const repo = parseRemote(remote);
  if (!repo) return undefined;
  const labels = repo.host.split('.');
  if (labels.includes('github')) return `https://${repo.host}/${repo.path}/commit/${sha}`;
  if (labels.includes('gitlab')) return `https://${repo.host}/${repo.path}/-/commit/${sha}`;
  return undefined;
}
