// The immutable, compiled view of one environment of one tenant. Built once by
// buildSnapshot, swapped whole by whoever holds it, read by evaluate.
import type { FlagType } from '../model/index.js';
import type { CompiledFlag } from './compiled.js';
import type { SnapshotInfo } from './types.js';

function codeUnitOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class Snapshot implements SnapshotInfo {
  readonly #keys: readonly string[];

  constructor(
    readonly tenant: string,
    readonly environment: string,
    readonly revision: number,
    /** @internal The compiled flags; only the engine reads this. */
    readonly flagTable: ReadonlyMap<string, CompiledFlag>,
  ) {
    this.#keys = Object.freeze([...flagTable.keys()].sort(codeUnitOrder));
    Object.freeze(this);
  }

  /** Every flag key, in code-unit order. */
  flagKeys(): readonly string[] {
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
