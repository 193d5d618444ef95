// JSON pointers (RFC 6901): how diagnostics name a node inside a document.

export function escapeSegment(segment: string | number): string {
  return String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** `base` extended by the given segments, e.g. pointer('/flags', 3, 'key') → '/flags/3/key'. */
export function pointer(base: string, ...segments: readonly (string | number)[]): string {
  let out = base;
  for (const segment of segments) out += '/' + escapeSegment(segment);
  return out;
}

/** The segments of a pointer; '' (the whole document) has none. */
export function parsePointer(text: string): string[] {
  if (text === '') return [];
  return text
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}
