// Canonical JSON: the form two resources are compared and hashed in. Object
// keys are sorted (key order never carries meaning in our model: rollouts are
// bucketed in variant-name order) and lists of scalars are sorted because every
// such list is a set (tags, targets, include/exclude, `in` values). Lists of
// objects (rules, conditions, environments) keep their order: it matters.
// An empty list or map means the same as an absent one (no rules, no tags, no
// environments), so both canonicalize to absent.
import { hash } from 'node:crypto';

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isScalarList(value: unknown): value is Array<string | number | boolean | null> {
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) {
    const v: unknown = value[i];
    if (v !== null && typeof v === 'object') return false;
  }
  return true;
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
      // A "__proto__" key is data like any other (assigning it would set the prototype instead).
      Object.defineProperty(out, key, { value: c, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

/**
 * JSON.stringify(canonicalize(value)), written in one pass without building
 * the canonical copy: the content hash of every document of a large state
 * goes through here (a property test holds the two equal).
 */
export function canonicalJson(value: unknown): string {
  return writeItem(value);
}

/** JSON.stringify of a scalar, without the call for the common kinds; 'null' where it answers undefined. */
function writeScalar(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return JSON.stringify(value) ?? 'null';
}

// Object keys repeat across documents (key, type, variants, environment
// names…): quote each once. Bounded, since keys are also user data.
const quotedKeys = new Map<string, string>();
const QUOTED_KEYS_MAX = 4096;

function quoteKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (quotedKeys.size >= QUOTED_KEYS_MAX) quotedKeys.clear();
    quotedKeys.set(key, quoted);
  }
  return quoted;
}

/**
 * `keys` sorted in place as Array.prototype.sort sorts strings (by UTF-16
 * code units): an insertion sort for the few keys of a document's objects,
 * which costs far less than the generic sort, the largest cost of hashing.
 */
function sortKeys(keys: string[]): string[] {
  const n = keys.length;
  if (n > 12) return keys.sort();
  for (let i = 1; i < n; i++) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}

/** The canonical JSON of `value`; undefined for what canonicalize drops as a property (undefined, an empty list or map). */
function writeCanonical(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object') return writeScalar(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return undefined;
    if (isScalarList(value)) {
      const items = value.length === 1 ? value : [...new Set(value)].sort(compareScalars);
      let out = '[';
      for (let i = 0; i < items.length; i++) out += (i > 0 ? ',' : '') + writeScalar(items[i]);
      return `${out}]`;
    }
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i > 0 ? ',' : '') + writeItem(value[i]);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = objectKeyOrder(sortKeys(Object.keys(record)));
  let out = '';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const written = writeCanonical(record[key]);
    if (written === undefined) continue;
    out += (out === '' ? '{' : ',') + quoteKey(key) + ':' + written;
  }
  return out === '' ? undefined : `${out}}`;
}

const ARRAY_INDEX = /^(?:0|[1-9][0-9]{0,9})$/;

/**
 * Sorted keys in the order an object built by inserting them sorted lists
 * them (canonicalize's output): array-index keys first, numerically, then the
 * rest in insertion (sorted) order — so both forms hash the same.
 */
function objectKeyOrder(sorted: string[]): string[] {
  let anyIndex = false;
  for (let i = 0; i < sorted.length && !anyIndex; i++) anyIndex = isIndexKey(sorted[i]!);
  if (!anyIndex) return sorted;
  const index = sorted.filter(isIndexKey).sort((a, b) => Number(a) - Number(b));
  return [...index, ...sorted.filter((k) => !isIndexKey(k))];
}

function isIndexKey(key: string): boolean {
  const c = key.charCodeAt(0);
  return c >= 48 && c <= 57 && ARRAY_INDEX.test(key) && Number(key) < 4294967295;
}

/** A list item or the top-level value: canonicalize keeps empty containers there. */
function writeItem(value: unknown): string {
  const written = writeCanonical(value);
  if (written !== undefined) return written;
  return Array.isArray(value) ? '[]' : typeof value === 'object' && value !== null ? '{}' : 'null';
}

/**
 * Structural JSON equality (object key order ignored): allocation-free, and
 * true only when the canonical forms are equal too, so it answers most
 * comparisons of unchanged documents before any canonicalization.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = Object.keys(ra);
  if (keys.length !== Object.keys(rb).length) return false;
  for (const key of keys) if (!Object.hasOwn(rb, key) || !jsonEqual(ra[key], rb[key])) return false;
  return true;
}

/**
 * sha256 of the canonical JSON, prefixed with the algorithm. The one-shot
 * crypto.hash, not createHash: no Hash object per document, a large share of
 * hashing thousands of small documents; the same digest.
 */
export function contentHash(value: unknown): string {
  return `sha256:${hash('sha256', canonicalJson(value), 'hex')}`;
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
 * The one equality of the model: the same canonical form. Structurally
 * equal values are (the common case: an unchanged document); documents with
 * remembered hashes compare by hash; anything else by canonical JSON.
 */
export function semanticallyEqual(a: unknown, b: unknown): boolean {
  if (jsonEqual(a, b)) return true;
  if (isPlainObject(a) && isPlainObject(b)) {
    const ha = documentHashes.get(a);
    const hb = documentHashes.get(b);
    if (ha !== undefined || hb !== undefined) return (ha ?? contentHash(a)) === (hb ?? contentHash(b));
  }
  return canonicalJson(a) === canonicalJson(b);
}
