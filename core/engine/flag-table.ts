// The compiled flags of a snapshot, shared between revisions. A write changes
// a few flags of thousands: copying a 10,000-entry map for each would cost
// more than compiling the flags that changed. So a table is a base map plus a
// small overlay of what changed since (undefined = removed); once the overlay
// grows past a share of the base it is folded into a fresh base. Both maps
// are never mutated after construction, so every snapshot holding a table
// keeps answering as it did.
import type { CompiledFlag } from './compiled.js';

const EMPTY: ReadonlyMap<string, CompiledFlag | undefined> = new Map();

export class FlagTable {
  readonly size: number;

  private constructor(
    private readonly base: ReadonlyMap<string, CompiledFlag>,
    private readonly overlay: ReadonlyMap<string, CompiledFlag | undefined>,
  ) {
    let size = base.size;
    for (const [key, flag] of overlay) {
      const inBase = base.has(key);
      if (flag === undefined && inBase) size--;
      else if (flag !== undefined && !inBase) size++;
    }
    this.size = size;
  }

  static of(flags: ReadonlyMap<string, CompiledFlag>): FlagTable {
    return new FlagTable(flags, EMPTY);
  }

  get(key: string): CompiledFlag | undefined {
    if (this.overlay.size > 0 && this.overlay.has(key)) return this.overlay.get(key);
    return this.base.get(key);
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  *keys(): IterableIterator<string> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): IterableIterator<CompiledFlag> {
    for (const [, flag] of this.entries()) yield flag;
  }

  *entries(): IterableIterator<[string, CompiledFlag]> {
    for (const entry of this.base) if (!this.overlay.has(entry[0])) yield entry;
    for (const [key, flag] of this.overlay) if (flag !== undefined) yield [key, flag];
  }

  /** A table with `changes` applied (undefined removes a key); this one is unchanged. */
  with(changes: ReadonlyMap<string, CompiledFlag | undefined>): FlagTable {
    const overlay = new Map(this.overlay);
    for (const [key, flag] of changes) overlay.set(key, flag);
    if (overlay.size <= Math.max(32, Math.sqrt(this.base.size))) return new FlagTable(this.base, overlay);
    const folded = new Map(this.base);
    for (const [key, flag] of overlay) {
      if (flag === undefined) folded.delete(key);
      else folded.set(key, flag);
    }
    return new FlagTable(folded, EMPTY);
  }
}
