// Building the semantic model from a submitted TenantState: only items that
// passed the schema are checked further, so one malformed flag gives schema
// diagnostics, not a cascade of confusing semantic ones.
import type { Environment, Experiment, Flag, Segment } from '../model/index.js';
import { pointer } from '../yaml/pointer.js';
import type { Issue } from './issue.js';
import { itemsWithIssues } from './schema-check.js';
import type { Located, SemanticModel } from './semantic/index.js';

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function keyOf(item: unknown): string | undefined {
  const key = typeof item === 'object' && item !== null ? (item as { key?: unknown }).key : undefined;
  return typeof key === 'string' ? key : undefined;
}

/**
 * The shape-valid items of `items` (found at `base` within their origin), and
 * the keys of the others.
 */
export function splitByValidity<T, O>(
  items: unknown,
  base: string,
  issues: readonly Issue[],
  origin: O,
): { valid: Located<T, O>[]; invalidKeys: string[] } {
  const invalid = itemsWithIssues(issues, base);
  const valid: Located<T, O>[] = [];
  const invalidKeys: string[] = [];
  asArray(items).forEach((item, index) => {
    if (invalid.has(index)) {
      const key = keyOf(item);
      if (key !== undefined) invalidKeys.push(key);
    } else {
      valid.push({ value: item as T, pointer: pointer(base, index), origin });
    }
  });
  return { valid, invalidKeys };
}

export function modelFromState(state: unknown, issues: readonly Issue[]): SemanticModel<undefined> {
  const raw = typeof state === 'object' && state !== null ? (state as Record<string, unknown>) : {};
  const flags = splitByValidity<Flag, undefined>(raw.flags, '/flags', issues, undefined);
  const segments = splitByValidity<Segment, undefined>(raw.segments, '/segments', issues, undefined);
  const environmentsValid = Array.isArray(raw.environments) && !issues.some((i) => i.pointer.startsWith('/environments'));
  return {
    environments: environmentsValid
      ? splitByValidity<Environment, undefined>(raw.environments, '/environments', issues, undefined).valid
      : undefined,
    flags: flags.valid,
    segments: segments.valid,
    unverifiedSegmentKeys: new Set(segments.invalidKeys),
    experiments: splitByValidity<Experiment, undefined>(raw.experiments, '/experiments', issues, undefined).valid,
  };
}
