import path from 'node:path';

/**
 * The absolute path a chokidar `raw` event is about. Raw events come straight
 * from fs.watch: a folder's watcher names the child that changed, a file's
 * watcher names the file itself.
 */
export function rawEventPath(evPath: string, details: unknown): string | undefined {
  const watched = (details as { watchedPath?: unknown } | undefined)?.watchedPath;
  if (typeof watched !== 'string') return undefined;
  if (evPath === '' || path.basename(watched) === evPath) return watched;
  return path.join(watched, evPath);
}
