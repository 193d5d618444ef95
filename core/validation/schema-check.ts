// Shape validation of one value against one of the schemas.
import { translateAjvErrors } from './ajv-errors.js';
import type { Issue } from './issue.js';
import { getValidator } from './schemas.js';
import type { SchemaKind } from './schemas.js';

/** Every schema violation of `value` as a `kind`, as Issues with pointers into `value`. */
export function schemaIssues(kind: SchemaKind, value: unknown): Issue[] {
  const validate = getValidator(kind);
  if (validate(value)) return [];
  return translateAjvErrors(validate.errors ?? []);
}

/** Indexes of the items of the array at `arrayPointer` that some issue is about. */
export function itemsWithIssues(issues: readonly Issue[], arrayPointer: string): Set<number> {
  const prefix = arrayPointer + '/';
  const indexes = new Set<number>();
  for (const issue of issues) {
    if (!issue.pointer.startsWith(prefix)) continue;
    const index = Number(issue.pointer.slice(prefix.length).split('/', 1)[0]);
    if (Number.isInteger(index)) indexes.add(index);
  }
  return indexes;
}

/** True when some issue is about the array at `arrayPointer` itself (not one of its items). */
export function hasIssueAt(issues: readonly Issue[], target: string): boolean {
  return issues.some((issue) => issue.pointer === target);
}
