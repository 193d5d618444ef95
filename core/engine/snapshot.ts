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

export class Snapshot implements SnapshotInfo {
  // Sorted on first use: a write that swaps in a new snapshot should not pay
  // for sorting 10,000 keys that only bulk evaluation reads.
  #keys: readonly string[] | undefined;

  constructor(
    readonly tenant: string,
    readonly environment: string,
    readonly revision: number,
    /** @internal The compiled flags; only the engine reads this. Shared between snapshots: never mutated. */
    readonly flagTable: FlagTable,
    /** @internal The compiled segments the flags were compiled against (updateSnapshot reuses them). */
    readonly segmentTable: ReadonlyMap<string, CompiledSegment> = new Map(),
  ) {
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
