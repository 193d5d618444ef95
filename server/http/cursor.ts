import { badRequest } from '../errors.js';

/**
 * Opaque keyset cursors: base64url JSON of the last item's sort key. Stable
 * under inserts and deletes (an offset would skip or repeat items).
 */
export function encodeCursor(position: string | number): string {
  return Buffer.from(JSON.stringify({ p: position }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined, kind: 'string'): string | undefined;
export function decodeCursor(cursor: string | undefined, kind: 'number'): number | undefined;
export function decodeCursor(cursor: string | undefined, kind: 'string' | 'number'): string | number | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { p?: unknown };
    if (typeof parsed.p === kind) return parsed.p as string | number;
  } catch {
    // fall through to the one error below
  }
  throw badRequest('INVALID_CURSOR', 'cursor is not one this server issued');
}

/** Fetch limit + 1 rows; the extra one only tells whether there is a next page. */
export function page<T>(rows: T[], limit: number, positionOf: (item: T) => string | number) {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  const nextCursor = rows.length > limit && last !== undefined ? encodeCursor(positionOf(last)) : null;
  return { items, next_cursor: nextCursor };
}
