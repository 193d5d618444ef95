import type { JsonValue } from '../../core/model/index.js';

/** A JSON value as the user would write it: compact scalars, indented objects. */
export function formatJson(value: JsonValue | undefined): string {
  if (value === undefined) return 'undefined';
  if (value !== null && typeof value === 'object' && Object.keys(value).length > 0) {
    return JSON.stringify(value, null, 2);
  }
  return JSON.stringify(value);
}

/** A share in [0,1] as a percentage with at most 4 decimals: 0.25 → "25%". */
export function formatPercent(share: number): string {
  return `${Number((share * 100).toFixed(4))}%`;
}

/** The exact bucket (so it can be checked against docs/bucketing.md) and its percentile. */
export function formatBucket(bucket: number): string {
  return `${bucket} (${formatPercent(bucket)})`;
}
