// Finding a document by key in a tenant state's lists. States the server
// holds list flags and segments in key order (as the database returns them),
// so a binary search finds a key in a 10,000-flag list in 14 steps; a list in
// any other order (a desired state from files) falls back to a scan.

/** The index of the document with `key` in `list`, or -1. */
export function indexOfKey(list: readonly { key: string }[], key: string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const at = (list[mid] as { key: string }).key;
    if (at === key) return mid;
    if (at < key) lo = mid + 1;
    else hi = mid;
  }
  return list.findIndex((doc) => doc.key === key);
}

/** How many keys count as "a few": up to this many, look each one up rather than walk the list. */
export const FEW_KEYS = 16;
