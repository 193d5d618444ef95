// Field-by-field differences between two versions of a resource, with readable
// paths (`production.rules[1].serve.rollout.on`). Agrees with
// semanticallyEqual: no field changes exactly when the canonical forms match.
import type { FieldChange } from '../model/schema-types.js';
import { isPlainObject, isScalarList, semanticallyEqual } from './canonical.js';

export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  const segment = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : JSON.stringify(key);
  return base === '' ? segment : `${base}.${segment}`;
}

export function diffValues(before: unknown, after: unknown, path: string): FieldChange[] {
  if (semanticallyEqual(before, after)) return [];
  if (before === undefined) return [{ path, op: 'add', after }];
  if (after === undefined) return [{ path, op: 'remove', before }];
  if (isPlainObject(before) && isPlainObject(after)) return diffObjects(before, after, path);
  if (isScalarList(before) && isScalarList(after)) return [diffSets(before, after, path)];
  if (Array.isArray(before) && Array.isArray(after)) {
    return hasIds(before) && hasIds(after) ? diffById(before, after, path) : diffByIndex(before, after, path);
  }
  return [{ path, op: 'change', before, after }];
}

function diffObjects(before: Record<string, unknown>, after: Record<string, unknown>, path: string): FieldChange[] {
  const keys = [...Object.keys(after), ...Object.keys(before).filter((k) => !(k in after))];
  return keys.flatMap((key) => diffValues(before[key], after[key], joinPath(path, key)));
}

function diffSets(before: unknown[], after: unknown[], path: string): FieldChange {
  const had = new Set(before);
  const has = new Set(after);
  return {
    path,
    op: 'change',
    added: after.filter((v) => !had.has(v)),
    removed: before.filter((v) => !has.has(v)),
  };
}

function diffByIndex(before: unknown[], after: unknown[], path: string): FieldChange[] {
  const length = Math.max(before.length, after.length);
  const changes: FieldChange[] = [];
  for (let i = 0; i < length; i++) changes.push(...diffValues(before[i], after[i], joinPath(path, i)));
  return changes;
}

type WithId = { id: string } & Record<string, unknown>;

function hasIds(list: unknown[]): list is WithId[] {
  return list.every((item) => isPlainObject(item) && typeof item.id === 'string');
}

/**
 * Rules are matched by id, so inserting a rule reads as one addition rather
 * than every later rule changing. Paths use the index in the new list.
 */
function diffById(before: WithId[], after: WithId[], path: string): FieldChange[] {
  const oldIndex = new Map(before.map((item, i) => [item.id, i]));
  const newIds = new Set(after.map((item) => item.id));
  const changes: FieldChange[] = [];
  const keptOld = before.map((r) => r.id).filter((id) => newIds.has(id));
  const keptNew = after.map((r) => r.id).filter((id) => oldIndex.has(id));
  if (keptOld.join('\u0000') !== keptNew.join('\u0000')) {
    changes.push({ path: `${path}#order`, op: 'change', before: keptOld, after: keptNew });
  }
  after.forEach((item, i) => {
    const j = oldIndex.get(item.id);
    changes.push(...diffValues(j === undefined ? undefined : before[j], item, joinPath(path, i)));
  });
  before.forEach((item, j) => {
    if (!newIds.has(item.id)) changes.push({ path: joinPath(path, j), op: 'remove', before: item });
  });
  return changes;
}
