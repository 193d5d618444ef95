// The rows a virtualized list renders: only those in view plus an overscan,
// so 10,000 flags cost what a screenful does.

export interface WindowInput {
  scrollTop: number;
  viewportHeight: number;
  rowHeight: number;
  count: number;
  overscan?: number;
}

export interface RowWindow {
  start: number;
  /** Exclusive. */
  end: number;
  /** Space above and below the rendered rows (px). */
  before: number;
  after: number;
}

export function rowWindow({ scrollTop, viewportHeight, rowHeight, count, overscan = 8 }: WindowInput): RowWindow {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const visible = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  const start = Math.max(0, Math.min(count, first - overscan));
  const end = Math.max(start, Math.min(count, first + visible + overscan));
  return { start, end, before: start * rowHeight, after: (count - end) * rowHeight };
}

/** Fetch the next page when the window reaches this close to the end of what is loaded. */
export const needsMore = (w: RowWindow, loaded: number, hasMore: boolean, margin = 40): boolean => hasMore && w.end + margin >= loaded;
