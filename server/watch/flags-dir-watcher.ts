import path from 'node:path';
import type { Stats } from 'node:fs';
import { watch, type FSWatcher } from 'chokidar';
import { rawEventPath } from './raw-event-path.js';

const SKIPPED_FOLDERS: ReadonlySet<string> = new Set(['.git', 'node_modules']);
const YAML = /\.ya?ml$/i;

/**
 * Watches a flags directory (recursively, native fs events, no polling, no
 * awaitWriteFinish: the scheduler's debounce already waits for a burst to
 * end) and calls `changed` for anything that can alter what it loads to: a
 * YAML file added, changed or removed, a folder added or removed. Git's own
 * files are not watched: a `git pull` is seen through the files it rewrites.
 *
 * The raw fs.watch events count too, not only chokidar's tidied ones: after
 * `git checkout` replaces a file (new inode), chokidar may keep watching the
 * old inode and miss the next edits of that file (measured: 18 of 60 edits
 * right after a checkout), while the folder's own watch still reports them.
 * A spare trigger costs nothing — the debounce merges it, and a reconcile of
 * unchanged files writes nothing.
 */
export class FlagsDirWatcher {
  private watcher: FSWatcher | undefined;

  constructor(
    private readonly dir: string,
    private readonly changed: () => void,
    private readonly onError: (err: unknown) => void,
  ) {}

  async start(): Promise<void> {
    const root = path.resolve(this.dir);
    const watcher = watch(root, {
      ignoreInitial: true,
      usePolling: false,
      awaitWriteFinish: false,
      atomic: false,
      persistent: false,
      ignored: (p: string, stats?: Stats) => skipped(root, p) || (stats?.isFile() === true && !YAML.test(p)),
    });
    this.watcher = watcher;
    watcher.on('all', (event, p) => {
      if ((event === 'add' || event === 'change' || event === 'unlink') && !YAML.test(p)) return;
      this.changed();
    });
    watcher.on('raw', (_event, evPath, details) => {
      const p = rawEventPath(evPath, details);
      if (p === undefined || skipped(root, p)) return;
      const base = path.basename(p);
      // A YAML file, or an extension-less entry (a folder, or a file about to be renamed into place).
      if (YAML.test(base) || !base.includes('.')) this.changed();
    });
    watcher.on('error', (err) => this.onError(err));
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  }

  async stop(): Promise<void> {
    await this.watcher?.close();
  }
}

const skipped = (root: string, p: string): boolean => path.relative(root, p).split(path.sep).some((part) => SKIPPED_FOLDERS.has(part));
