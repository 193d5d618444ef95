// The immutable, compiled view of one environment of one tenant. Built once by
// buildSnapshot (or derived from the previous one by updateSnapshot), swapped
// whole by whoever holds it, read by evaluate.
import type { FlagType } from '../model/index.js';
import type { CompiledSegment } from './compiled.js';
import type { FlagTable } from './flag-table.js';
import type { SnapshotInfo } from './types.js';

function codeUnitOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** When a snapshot's answers hold: built for a moment, valid until the next schedule step. */
export interface SnapshotTiming {
  /** The moment (epoch ms) schedules were resolved at; undefined when none was given. */
  readonly at: number | undefined;
  /** The earliest schedule step start after `at` (epoch ms): build again then. Undefined when no schedule changes later. */
  readonly nextChangeAt: number | undefined;
}

const NO_TIMING: SnapshotTiming = Object.freeze({ at: undefined, nextChangeAt: undefined });

export class Snapshot implements SnapshotInfo {
  // Sorted on first use: a write that swaps in a new snapshot should not pay
  // for sorting 10,000 keys that only bulk evaluation reads.
  #keys: readonly string[] | undefined;
  /** The moment schedules were resolved at (epoch ms), if one was given. */
  readonly at: number | undefined;
  /** When a schedule step starts next (epoch ms): the holder should rebuild then; undefined when never. */
  readonly nextChangeAt: number | undefined;

  constructor(
    readonly tenant: string,
    readonly environment: string,
    readonly revision: number,
    /** @internal The compiled flags; only the engine reads this. Shared between snapshots: never mutated. */
    readonly flagTable: FlagTable,
    /** @internal The compiled segments the flags were compiled against (updateSnapshot reuses them). */
    readonly segmentTable: ReadonlyMap<string, CompiledSegment> = new Map(),
    timing: SnapshotTiming = NO_TIMING,
  ) {
    this.at = timing.at;
    this.nextChangeAt = timing.nextChangeAt;
    Object.freeze(this);
  }

  /** Every flag key, in code-unit order. */
  flagKeys(): readonly string[] {
    this.#keys ??= Object.freeze([...this.flagTable.keys()].sort(codeUnitOrder));
    return this.#keys;
  }

  hasFlag(key: string): boolean {
    return this.flagTable.has(key);
  }

  /** The declared value type of a flag, or undefined when there is no such flag. */
  flagType(key: string): FlagType | undefined {
    return this.flagTable.get(key)?.type;
  }
}
