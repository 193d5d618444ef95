// Canonical JSON: the form two resources are compared and hashed in. Object
// keys are sorted (key order never carries meaning in our model: rollouts are
// bucketed in variant-name order) and lists of scalars are sorted because every
// such list is a set (tags, targets, include/exclude, `in` values). Lists of
// objects (rules, conditions, environments) keep their order: it matters.
// An empty list or map means the same as an absent one (no rules, no tags, no
// environments), so both canonicalize to absent.
import { createHash } from 'node:crypto';

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isScalarList(value: unknown): value is Array<string | number | boolean | null> {
  return Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object');
}

function compareScalars(a: unknown, b: unknown): number {
  const ka = `${typeof a}:${String(a)}`;
  const kb = `${typeof b}:${String(b)}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function isEmptyContainer(value: unknown): boolean {
  return (Array.isArray(value) && value.length === 0) || (isPlainObject(value) && Object.keys(value).length === 0);
}

export function canonicalize(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(canonicalize);
    return isScalarList(items) ? [...new Set(items)].sort(compareScalars) : items;
  }
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = value[key];
      if (v === undefined) continue;
      const c = canonicalize(v);
      if (isEmptyContainer(c)) continue;
      out[key] = c;
    }
    return out;
  }
  return value;
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonicalize(value));
}

/** sha256 of the canonical JSON, prefixed with the algorithm. */
export function contentHash(value: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(value)).digest('hex')}`;
}

// Content hashes remembered per document object, for the server's documents:
// those it holds in its index and writes are values, never mutated once
// hashed (a hash remembered for an object that is then mutated would lie, so
// nothing else remembers: the CLI and tests compare by canonical form).
const documentHashes = new WeakMap<object, string>();

/** The content hash of a document (contentHash), remembered for the object: call only on documents never mutated afterwards. */
export function documentHash(doc: object): string {
  let hash = documentHashes.get(doc);
  if (hash === undefined) {
    hash = contentHash(doc);
    documentHashes.set(doc, hash);
  }
  return hash;
}

/**
 * Remembers the hash of a document read back from storage, where it was
 * stored beside the content it was computed from, so comparing the document
 * later costs no canonicalization.
 */
export function rememberDocumentHash(doc: object, hash: string): void {
  documentHashes.set(doc, hash);
}

/**
 * The one equality of the model: the same canonical form. Identical objects
 * are equal; documents with remembered hashes compare by hash (a diff of a
 * whole desired state against the server's index touches only the
 * documents that differ, or hashes the desired side once).
 */
export function semanticallyEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isPlainObject(a) && isPlainObject(b)) {
    const ha = documentHashes.get(a);
    const hb = documentHashes.get(b);
    if (ha !== undefined || hb !== undefined) return (ha ?? contentHash(a)) === (hb ?? contentHash(b));
  }
  return canonicalJson(a) === canonicalJson(b);
}
