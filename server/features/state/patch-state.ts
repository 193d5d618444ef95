import { FEW_KEYS, indexOfKey, type TenantState } from '../../../core/model/index.js';
import type { DocumentKind } from '../documents/types.js';

type Keyed = { key: string };

/** Where each kind lives in a TenantState. */
export const FIELD_OF = { environment: 'environments', flag: 'flags', segment: 'segments', experiment: 'experiments' } as const satisfies Record<DocumentKind, keyof TenantState>;

/**
 * `list` with the documents of `updates` replaced (a document), removed
 * (undefined) or, for keys it does not hold, added. Documents keep their
 * place; added flags and segments go where the database's key order puts
 * them, added environments last (their declaration position), so a patched
 * state lists documents exactly as a state read back from the database does.
 * Every document not in `updates` is the same object as before.
 */
export function patchDocuments<T extends Keyed>(list: readonly T[], updates: ReadonlyMap<string, T | undefined>, sorted: boolean): T[] {
  if (updates.size === 0) return list as T[];
  if (updates.size <= FEW_KEYS) return patchFew(list, updates, sorted);
  const seen = new Set<string>();
  const next: T[] = [];
  for (const doc of list) {
    if (!updates.has(doc.key)) {
      next.push(doc);
      continue;
    }
    seen.add(doc.key);
    const replacement = updates.get(doc.key);
    if (replacement !== undefined) next.push(replacement);
  }
  for (const [key, doc] of updates) {
    if (seen.has(key) || doc === undefined) continue;
    if (!sorted) {
      next.push(doc);
      continue;
    }
    next.splice(insertionPoint(next, key), 0, doc);
  }
  return next;
}

/** patchDocuments for a few keys: look each up instead of walking the list. */
function patchFew<T extends Keyed>(list: readonly T[], updates: ReadonlyMap<string, T | undefined>, sorted: boolean): T[] {
  const next = list.slice();
  for (const [key, doc] of updates) {
    const index = indexOfKey(next, key);
    if (index >= 0) {
      if (doc === undefined) next.splice(index, 1);
      else next[index] = doc;
    } else if (doc !== undefined) {
      next.splice(sorted ? insertionPoint(next, key) : next.length, 0, doc);
    }
  }
  return next;
}

function insertionPoint(list: readonly Keyed[], key: string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as Keyed).key < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Per kind, the documents a change sets (a document) or removes (undefined). */
export type StateUpdates = { [K in DocumentKind]: Map<string, Keyed | undefined> };

export const noUpdates = (): StateUpdates => ({ environment: new Map(), flag: new Map(), segment: new Map(), experiment: new Map() });

/** `state` with `updates` applied (patchDocuments per kind); `name` null removes the name. */
export function patchState(state: TenantState, updates: StateUpdates, name: string | null | undefined): TenantState {
  const next: TenantState = {
    tenant: state.tenant,
    environments: patchDocuments(state.environments, updates.environment as Map<string, TenantState['environments'][number] | undefined>, false),
    flags: patchDocuments(state.flags, updates.flag as Map<string, TenantState['flags'][number] | undefined>, true),
    segments: patchDocuments(state.segments, updates.segment as Map<string, TenantState['segments'][number] | undefined>, true),
  };
  const experiments = patchDocuments(state.experiments ?? [], updates.experiment as Map<string, NonNullable<TenantState['experiments']>[number] | undefined>, true);
  if (experiments.length > 0) next.experiments = experiments;
  const kept = name === undefined ? state.name : (name ?? undefined);
  if (kept !== undefined) next.name = kept;
  return next;
}
