import { ApiError } from '../errors.js';

/** A document's ETag is the tenant revision of its last change: never reused, even after delete + re-create. */
export const etagFor = (revision: number): string => `"${revision}"`;

/**
 * If-Match check (RFC 9110 §13.1.1, strong comparison). `required` makes a
 * missing header a 428 so that blind overwrites must say `If-Match: *`.
 */
export function checkIfMatch(header: string | undefined, currentEtag: string, required: boolean): void {
  if (header === undefined || header.trim() === '') {
    if (required) {
      throw new ApiError(428, 'PRECONDITION_REQUIRED', 'If-Match is required: send the ETag from GET, or * to overwrite');
    }
    return;
  }
  const tags = header.split(',').map((t) => t.trim());
  if (tags.includes('*') || tags.includes(currentEtag)) return;
  throw new ApiError(412, 'PRECONDITION_FAILED', 'the resource changed since the given ETag', [
    { code: 'ETAG_MISMATCH', message: 'current ETag differs', current: currentEtag },
  ]);
}

/** If-None-Match (weak comparison, as RFC 9110 asks for GET/HEAD caching). */
export function noneMatch(header: string | undefined, currentEtag: string): boolean {
  if (header === undefined) return true;
  const strip = (t: string) => t.trim().replace(/^W\//, '');
  const tags = header.split(',').map(strip);
  return !(tags.includes('*') || tags.includes(strip(currentEtag)));
}
