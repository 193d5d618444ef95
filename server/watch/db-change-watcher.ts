import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { DataVersion } from './data-version.js';
import { rawEventPath } from './raw-event-path.js';

export type CheckTrigger = 'fs_event' | 'safety_net';

export interface DbChangeWatcherOptions {
  dbPath: string;
  dataVersion: DataVersion;
  /** Another process committed: reload what changed. A rejection keeps the change pending for the next check. */
  reload(trigger: CheckTrigger): Promise<void>;
  /** Period of the safety-net check (ms). */
  safetyNetMs: number;
  onError(err: unknown): void;
}

/**
 * A file event is followed by a check now and ONE more this long after the
 * last event. Why the second one: chokidar drops a file's `change` events for
 * 50 ms after the previous one (and raw ones for 5 ms), so a second commit
 * right after a first leaves no event of its own; and an event may be read
 * before the committing process has published the commit in the WAL index.
 * The trailing check, past chokidar's window, sees both.
 */
const TRAILING_CHECK_MS = 75;

/**
 * Notices commits by OTHER processes sharing the SQLite file, within
 * milliseconds, without reading any table:
 *
 * 1. chokidar watches the database's folder with native fs events (inotify,
 *    FSEvents; never polling, no awaitWriteFinish), filtered to the database
 *    file and its `-wal` (a WAL commit appends to `-wal`; the main file only
 *    changes at checkpoints; `-shm` is written through mmap, which raises no
 *    events). Watching the folder also sees `-wal` being created and deleted.
 * 2. An event is only a hint: `PRAGMA data_version` confirms that another
 *    connection committed before anything is reloaded (a checkpoint or a read
 *    does not count), and the reload itself compares per-tenant revisions.
 * 3. A slow safety net runs the same data_version check every `safetyNetMs`
 *    in case an event was lost (an overflowing inotify queue, a filesystem
 *    without events). It is one pragma every few seconds — not a query over
 *    the tables, and nowhere near a tight loop.
 */
export class DbChangeWatcher {
  private watcher: FSWatcher | undefined;
  private safetyNet: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private trailing: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Checks run one at a time; one asked for during a check runs after it. */
  private checking: Promise<void> | undefined;
  private again: CheckTrigger | undefined;

  constructor(private readonly options: DbChangeWatcherOptions) {}

  /** Resolves once the folder is watched (events before that are covered by the first check). */
  async start(): Promise<void> {
    const file = path.resolve(this.options.dbPath);
    const dir = path.dirname(file);
    const names = new Set([path.basename(file), `${path.basename(file)}-wal`]);
    const watcher = watch(dir, {
      depth: 0,
      ignoreInitial: true,
      usePolling: false,
      awaitWriteFinish: false,
      atomic: false,
      persistent: false,
      // Keep the folder itself; of its entries, only the database and its WAL.
      ignored: (p: string) => p !== dir && !names.has(path.basename(p)),
    });
    this.watcher = watcher;
    watcher.on('all', () => this.onFileEvent());
    // fs.watch's own events as well: chokidar can lose a file whose inode changed
    // (the -wal is deleted and recreated when the last connection closes and a new one opens).
    watcher.on('raw', (_event, evPath, details) => {
      const p = rawEventPath(evPath, details);
      if (p !== undefined && names.has(path.basename(p))) this.onFileEvent();
    });
    watcher.on('error', (err) => this.options.onError(err));
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
    this.safetyNet = setInterval(() => this.check('safety_net'), this.options.safetyNetMs);
    this.safetyNet.unref();
    // Anything committed while the watch was being set up.
    this.check('fs_event');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.safetyNet);
    clearTimeout(this.trailing);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    await this.watcher?.close();
    await this.checking;
  }

  private onFileEvent(): void {
    if (this.stopped) return;
    this.immediate ??= setImmediate(() => {
      this.immediate = undefined;
      this.check('fs_event');
    });
    clearTimeout(this.trailing);
    this.trailing = setTimeout(() => this.check('fs_event'), TRAILING_CHECK_MS);
    this.trailing.unref();
  }

  /** Resolves when no check is running or queued (tests wait on it). */
  async idle(): Promise<void> {
    while (this.checking !== undefined) await this.checking;
  }

  private check(trigger: CheckTrigger): void {
    if (this.stopped) return;
    if (this.checking !== undefined) {
      this.again = trigger;
      return;
    }
    this.checking = (async () => {
      let next: CheckTrigger | undefined = trigger;
      while (next !== undefined && !this.stopped) {
        this.again = undefined;
        try {
          const version = this.options.dataVersion.pending();
          if (version !== undefined) {
            await this.options.reload(next);
            this.options.dataVersion.acknowledge(version);
          }
        } catch (err) {
          this.options.onError(err);
        }
        next = this.again;
      }
    })().finally(() => {
      this.checking = undefined;
    });
  }
}
