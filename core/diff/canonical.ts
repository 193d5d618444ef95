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

export function semanticallyEqual(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** sha256 of the canonical JSON, prefixed with the algorithm. */
export function contentHash(value: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(value)).digest('hex')}`;
}
