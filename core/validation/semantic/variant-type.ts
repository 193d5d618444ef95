// Does a variant value have the flag's type? Object variants must be JSON
// objects all the way down (YAML can express .nan and .inf, JSON cannot).
import type { FlagType } from '../../model/index.js';

function isJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJson);
  if (typeof value === 'object') return Object.values(value).every(isJson);
  return false;
}

export function hasFlagType(value: unknown, type: FlagType): boolean {
  switch (type) {
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value) && isJson(value);
  }
}
