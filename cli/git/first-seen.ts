// When each flag key first appeared in a flags directory's Git history: one
// `git log -p` pass over the directory, oldest commit first, reading the
// `key:` lines each commit added. Loaded with import() by `ff lint`, so
// simple-git is paid for only there.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { simpleGit } from 'simple-git';

/** First-seen times by tenant folder and key; `undefined` when the directory is not in a Git repository with commits. */
export interface FirstSeen {
  /** Epoch milliseconds (author date: a rebase keeps it) of the first commit adding `key:` <flagKey> in the tenant's folder. */
  get(tenant: string, key: string): number | undefined;
  /** The repository is a shallow clone: history is cut, so ages are at most the clone's depth. */
  shallow: boolean;
}

// A mapping key line as the block (`- key: x`, `key: x`) or flow (`{key: x, …}`) style writes it.
const KEY_LINE = /(?:^|[\s{,-])key:\s*["']?([A-Za-z0-9][A-Za-z0-9._-]*)["']?\s*(?:[,}#]|$)/;

export async function readFirstSeen(dir: string, singleTenant: string | undefined): Promise<FirstSeen | undefined> {
  const absolute = path.resolve(dir);
  const git = simpleGit({ baseDir: absolute });
  let top: string;
  try {
    top = (await git.revparse(['--show-toplevel'])).trim();
  } catch {
    return undefined;
  }
  let log: string;
  try {
    log = await git.raw(['-c', 'core.quotepath=off', 'log', '--reverse', '--no-renames', '--no-color', '--format=%x00%at', '-p', '--unified=0', '--', '.']);
  } catch {
    // No commit yet.
    return undefined;
  }
  const shallow = (await git.revparse(['--is-shallow-repository']).catch(() => 'false')).trim() === 'true';
  // Paths in the diff are relative to the top of the repository.
  const prefix = path.relative(top, absolute).split(path.sep).join('/');
  const isTenantFolder = singleTenant !== undefined && existsSync(path.join(absolute, 'tenant.yaml'));
  const tenantOf = (file: string): string | undefined => {
    if (isTenantFolder) return singleTenant;
    const under = prefix === '' ? file : file.startsWith(`${prefix}/`) ? file.slice(prefix.length + 1) : undefined;
    const slash = under?.indexOf('/') ?? -1;
    return slash > 0 ? under!.slice(0, slash) : undefined;
  };
  const seen = new Map<string, number>();
  let when = 0;
  let tenant: string | undefined;
  for (const line of log.split('\n')) {
    if (line.startsWith('\0')) {
      when = Number(line.slice(1)) * 1000;
    } else if (line.startsWith('+++ ')) {
      tenant = line.startsWith('+++ b/') ? tenantOf(line.slice(6)) : undefined;
    } else if (tenant !== undefined && line.startsWith('+') && line.includes('key:')) {
      const key = KEY_LINE.exec(line.slice(1))?.[1];
      if (key === undefined) continue;
      const id = `${tenant}\n${key}`;
      if (!seen.has(id)) seen.set(id, when);
    }
  }
  return { get: (t, key) => seen.get(`${t}\n${key}`), shallow };
}
