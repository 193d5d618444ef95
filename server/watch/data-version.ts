import type { Db } from '../db/open.js';

/**
 * SQLite's `PRAGMA data_version` on this process's connection: it changes
 * when ANOTHER connection (another process) has committed, and never for this
 * connection's own commits (those already swapped the index). It reads the
 * WAL index header only — no table, no page of the database — which is why
 * the safety net may call it every few seconds for free.
 */
export class DataVersion {
  private seen: number;

  constructor(private readonly db: Db) {
    this.seen = this.read();
  }

  /** The new value when another connection committed since the last acknowledge(), else undefined. */
  pending(): number | undefined {
    const now = this.read();
    return now === this.seen ? undefined : now;
  }

  /** Call once the change is handled; until then pending() keeps reporting it (a failed reload is retried). */
  acknowledge(version: number): void {
    this.seen = version;
  }

  private read(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }
}
