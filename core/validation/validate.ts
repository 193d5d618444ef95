// The validation entry points the server uses: a whole tenant state (schema,
// then semantics), or one document (schema only). Diagnostics carry a JSON
// pointer into the value, no file.
import { FEW_KEYS, indexOfKey, type Flag, type Segment, type TenantState } from '../model/index.js';
import { issueToDiagnostic, type Issue } from './issue.js';
import { schemaIssues } from './schema-check.js';
import type { SchemaKind } from './schemas.js';
import { checkSemantics, type Located } from './semantic/index.js';
import { modelFromState } from './state-model.js';
import type { Diagnostic } from './types.js';

/** Every schema and semantic problem of a tenant's whole state, e.g. path /flags/3/environments/production/rules/0/serve/variant. */
export function validateTenantState(state: TenantState): Diagnostic[] {
  const issues = schemaIssues('tenant-state', state);
  const semantic = checkSemantics(modelFromState(state, issues), (_origin, at) => at);
  return [...issues, ...semantic].map(issueToDiagnostic);
}

/** What a write changed, by key: created, updated or removed documents. */
export interface StateChange {
  flags: ReadonlySet<string>;
  segments: ReadonlySet<string>;
  /** An environment changed (or the state may hold duplicated keys): every document is checked again. */
  tenant: boolean;
}

/**
 * The diagnostics validateTenantState would report for `state`, given that
 * `state` differs from a valid state only by `change`: only the changed flags
 * and segments are checked, plus the flags that use a removed segment or
 * require a changed flag (the ways a change elsewhere invalidates a flag);
 * references resolve against the whole tenant. A change to the tenant or
 * its environments checks everything. Pointers are into the whole `state`,
 * exactly as validateTenantState's.
 */
export function validateTenantChanges(state: TenantState, change: StateChange): Diagnostic[] {
  if (change.tenant) return validateTenantState(state);
  const segmentKeys = new Set(state.segments.map((s) => s.key));
  const removedSegments = [...change.segments].filter((key) => !segmentKeys.has(key));
  const issues: Issue[] = [];
  const flags: Located<Flag, undefined>[] = [];
  const segments: Located<Segment, undefined>[] = [];
  const unverified = new Set<string>();
  const checkFlag = (flag: Flag, index: number) => {
    const own = rebase(schemaIssues('flag', flag), `/flags/${index}`);
    issues.push(...own);
    if (own.length === 0) flags.push({ value: flag, pointer: `/flags/${index}`, origin: undefined });
  };
  const checkSegment = (segment: Segment, index: number) => {
    const own = rebase(schemaIssues('segment', segment), `/segments/${index}`);
    issues.push(...own);
    if (own.length === 0) segments.push({ value: segment, pointer: `/segments/${index}`, origin: undefined });
    else unverified.add(segment.key);
  };
  // A flag that requires a changed (or removed) flag is checked again: the
  // variant it asks for, or the flag itself, may be gone.
  const dependents = flagsRequiring(state.flags, change.flags);
  if (removedSegments.length === 0 && dependents.size === 0 && change.flags.size <= FEW_KEYS) {
    for (const index of indexesOf(state.flags, change.flags)) checkFlag(state.flags[index] as Flag, index);
  } else {
    state.flags.forEach((flag, index) => {
      if (change.flags.has(flag.key) || dependents.has(index) || (removedSegments.length > 0 && usesAnySegment(flag, removedSegments))) checkFlag(flag, index);
    });
  }
  for (const index of indexesOf(state.segments, change.segments)) checkSegment(state.segments[index] as Segment, index);
  const model = {
    environments: state.environments.map((value, index) => ({ value, pointer: `/environments/${index}`, origin: undefined })),
    flags,
    segments,
    unverifiedSegmentKeys: unverified,
    knownSegmentKeys: segmentKeys,
    // Built only when a checked flag has prerequisites: they resolve against the whole tenant.
    knownFlags: flags.some((f) => (f.value.prerequisites ?? []).length > 0) ? flagsByKey(state.flags) : undefined,
  };
  const semantic = checkSemantics(model, (_origin, at) => at);
  return [...issues, ...semantic].map(issueToDiagnostic);
}

/** Where the documents with these keys are, in list order (absent keys are skipped). */
function indexesOf(list: readonly { key: string }[], keys: ReadonlySet<string>): number[] {
  const found: number[] = [];
  if (keys.size <= FEW_KEYS) {
    for (const key of keys) {
      const index = indexOfKey(list, key);
      if (index >= 0) found.push(index);
    }
    return found.sort((a, b) => a - b);
  }
  list.forEach((doc, index) => {
    if (keys.has(doc.key)) found.push(index);
  });
  return found;
}

const rebase = (issues: Issue[], base: string): Issue[] => issues.map((i) => ({ ...i, pointer: base + i.pointer }));

/** Indexes of the flags whose prerequisites name one of `keys`. */
function flagsRequiring(flags: readonly Flag[], keys: ReadonlySet<string>): Set<number> {
  const found = new Set<number>();
  flags.forEach((flag, index) => {
    const list = flag.prerequisites;
    if (list !== undefined && list.some((p) => keys.has(p.flag))) found.add(index);
  });
  return found;
}

function flagsByKey(flags: readonly Flag[]): Map<string, Flag> {
  const byKey = new Map<string, Flag>();
  for (const flag of flags) if (!byKey.has(flag.key)) byKey.set(flag.key, flag);
  return byKey;
}

function usesAnySegment(flag: Flag, keys: readonly string[]): boolean {
  for (const config of Object.values(flag.environments ?? {})) {
    for (const rule of config?.rules ?? []) {
      for (const condition of rule.conditions ?? []) if (condition.segment !== undefined && keys.includes(condition.segment)) return true;
    }
  }
  return false;
}

/** Schema problems of one document of the given kind (a REST body, say). */
export function validateDocument(kind: SchemaKind, value: unknown): Diagnostic[] {
  return schemaIssues(kind, value).map(issueToDiagnostic);
}
