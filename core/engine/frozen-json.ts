// Variant values are handed out by reference in every result; a deep-frozen
// private copy means no caller can change what the next evaluation serves.
import type { JsonValue } from '../model/index.js';

/**
 * A deep-frozen JSON copy of `value`. Anything JSON cannot hold (undefined,
 * functions, non-finite numbers, cycles) becomes null: the validator reports
 * such values, evaluation must still not throw on them.
 */
export function toFrozenJson(value: unknown, seen: Set<object> = new Set()): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'object' || seen.has(value)) return null;
  seen.add(value);
  let copy: JsonValue;
  if (Array.isArray(value)) {
    copy = Object.freeze(value.map((item) => toFrozenJson(item, seen))) as JsonValue[];
  } else {
    const object: Record<string, JsonValue> = {};
    for (const key of Object.keys(value)) {
      const item = toFrozenJson((value as Record<string, unknown>)[key], seen);
      // Plain assignment to "__proto__" would set the prototype instead of a property.
      Object.defineProperty(object, key, { value: item, enumerable: true, writable: true, configurable: true });
    }
    copy = Object.freeze(object);
  }
  seen.delete(value);
  return copy;
}
