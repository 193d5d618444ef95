// The plan: what applying a desired state to the current one changes. It is
// data (schemas/plan.schema.json); renderers in cli/ are views of it. The
// server computes it for a dry run and the CLI renders exactly that.
import { FEW_KEYS, indexOfKey, type Environment, type Experiment, type Flag, type Segment, type TenantState } from '../model/index.js';
import type { Change, Drift, FieldChange, Plan } from '../model/schema-types.js';
import { semanticallyEqual } from './canonical.js';
import { diffValues, joinPath } from './field-diff.js';
import { planHash } from './plan-hash.js';
import { flagRisks } from './risks.js';

export type ResourceKind = Change['resource'];

export interface PlanInput {
  tenant: string;
  current: TenantState;
  /** The desired state, already narrowed with scopeDesiredState when scoped. */
  desired: TenantState;
  baseRevision: number;
  /** null: the whole tenant; otherwise the environments the plan is limited to. */
  environments?: string[] | null;
  /** Server-side knowledge of out-of-Git changes, by resource and key. */
  drift?: (resource: ResourceKind, key: string) => Drift | undefined;
  /**
   * Per kind, the only keys whose documents can differ between current and
   * desired (the caller built desired from current by replacing, adding or
   * removing exactly these). The plan is the same as without the hint; it just
   * does not walk the documents known to be shared.
   */
  candidates?: { readonly [K in ResourceKind]?: ReadonlySet<string> };
  /** The content hash of a document (default contentHash); the server passes documentHash, which remembers it for the write. */
  hashOf?: (doc: object) => string;
}

const FLAG_FIELDS = new Set(['key', 'description', 'owner', 'tags', 'type', 'variants', 'offVariant', 'salt', 'environments']);

export function diffFlag(before: Flag | undefined, after: Flag | undefined): FieldChange[] {
  if (!before || !after) return [];
  const { environments: envBefore = {}, ...restBefore } = before;
  const { environments: envAfter = {}, ...restAfter } = after;
  const changes = diffValues(restBefore, restAfter, '');
  const envs = [...Object.keys(envAfter), ...Object.keys(envBefore).filter((e) => !(e in envAfter))];
  for (const env of envs) {
    // Environment names read better bare (production.rules[1]...) unless one shadows a flag field.
    const base = FLAG_FIELDS.has(env) ? joinPath('environments', env) : env;
    changes.push(...diffValues(envBefore[env], envAfter[env], base));
  }
  return changes;
}

function byKey<T extends { key: string }>(items: readonly T[]): Map<string, T> {
  return new Map(items.map((item) => [item.key, item]));
}

/** byKey restricted to `keys` (candidates come with states that have no duplicated keys). */
function pick<T extends { key: string }>(items: readonly T[], keys: ReadonlySet<string>): Map<string, T> {
  const found = new Map<string, T>();
  if (keys.size === 0) return found;
  if (keys.size <= FEW_KEYS) {
    for (const key of keys) {
      const index = indexOfKey(items, key);
      if (index >= 0) found.set(key, items[index] as T);
    }
    return found;
  }
  for (const item of items) if (keys.has(item.key)) found.set(item.key, item);
  return found;
}

function diffResources<T extends { key: string }>(
  resource: ResourceKind,
  current: readonly T[],
  desired: readonly T[],
  fields: (before: T | undefined, after: T | undefined) => FieldChange[],
  risks: (before: T | undefined, after: T | undefined) => Change['risks'],
  drift: PlanInput['drift'],
  candidates: ReadonlySet<string> | undefined,
): Change[] {
  const was = candidates === undefined ? byKey(current) : pick(current, candidates);
  const now = candidates === undefined ? byKey(desired) : pick(desired, candidates);
  const keys = [...new Set([...was.keys(), ...now.keys()])].sort();
  const changes: Change[] = [];
  for (const key of keys) {
    const before = was.get(key);
    const after = now.get(key);
    if (before && after && semanticallyEqual(before, after)) continue;
    const action: Change['action'] = !before ? 'create' : !after ? 'delete' : 'update';
    const change: Change = { action, resource, key, fields: fields(before, after), risks: risks(before, after) };
    if (before) change.before = before as unknown as Record<string, unknown>;
    if (after) change.after = after as unknown as Record<string, unknown>;
    // A create can be drift too: the server may hold an archived copy changed outside Git.
    const drifted = drift?.(resource, key);
    if (drifted) change.drift = drifted;
    changes.push(change);
  }
  return changes;
}

/**
 * Environments are listed in declaration order, which the state keeps: an
 * environment both states hold whose place among those they share moved is
 * changed at `position` (its index among them), as an update of its own or
 * a field added to its content update. Creates go after the kept ones and
 * deletes leave, so neither alone is a reorder.
 */
function reorderEnvironments(current: readonly Environment[], desired: readonly Environment[], changes: Change[]): Change[] {
  const inDesired = new Set(desired.map((e) => e.key));
  const inCurrent = new Set(current.map((e) => e.key));
  const was = current.filter((e) => inDesired.has(e.key));
  const now = desired.filter((e) => inCurrent.has(e.key));
  if (was.every((e, i) => now[i]?.key === e.key)) return changes;
  const wasAt = new Map(was.map((e, i) => [e.key, i]));
  const moved = new Map<string, FieldChange>();
  now.forEach((e, i) => {
    const before = wasAt.get(e.key) as number;
    if (before !== i) moved.set(e.key, { path: 'position', op: 'change', before, after: i });
  });
  const next = changes.map((c) => {
    const field = c.action === 'update' ? moved.get(c.key) : undefined;
    if (field === undefined) return c;
    moved.delete(c.key);
    return { ...c, fields: [...c.fields, field] };
  });
  for (const e of now) {
    const field = moved.get(e.key);
    if (field === undefined) continue;
    const before = current.find((x) => x.key === e.key) as Environment;
    next.push({ action: 'update', resource: 'environment', key: e.key, fields: [field], risks: [], before: before as unknown as Record<string, unknown>, after: e as unknown as Record<string, unknown> });
  }
  return next.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Whether a plan moves an environment (a `position` change): the write then stores the desired order. */
export function reordersEnvironments(changes: readonly Change[]): boolean {
  return changes.some((c) => c.resource === 'environment' && c.fields.some((f) => f.path === 'position'));
}

const noRisks = (before: unknown, after: unknown): Change['risks'] =>
  before && !after ? [{ code: 'DELETION', message: 'deleted' }] : [];

export function computePlan(input: PlanInput): Plan {
  const { current, desired, drift, candidates } = input;
  const environments = input.environments ?? null;
  const envChanges =
    environments === null
      ? reorderEnvironments(
          current.environments,
          desired.environments,
          diffResources<Environment>('environment', current.environments, desired.environments, (a, b) => (a && b ? diffValues(a, b, '') : []), noRisks, drift, candidates?.environment),
        )
      : [];
  const segmentChanges =
    environments === null
      ? diffResources<Segment>('segment', current.segments, desired.segments, (a, b) => (a && b ? diffValues(a, b, '') : []), noRisks, drift, candidates?.segment)
      : [];
  const flagChanges = diffResources<Flag>('flag', current.flags, desired.flags, diffFlag, flagRisks, drift, candidates?.flag);
  // Experiments are tenant-wide documents like segments; they reference flags, so they come after them.
  const experimentChanges =
    environments === null
      ? diffResources<Experiment>('experiment', current.experiments ?? [], desired.experiments ?? [], (a, b) => (a && b ? diffValues(a, b, '') : []), noRisks, drift, candidates?.experiment)
      : [];
  // Creates and updates in dependency order (environments, segments, flags, experiments);
  // deletes in reverse, so nothing is ever left referencing a removed resource.
  const upserts = [...envChanges, ...segmentChanges, ...flagChanges, ...experimentChanges].filter((c) => c.action !== 'delete');
  const deletes = [...experimentChanges, ...flagChanges, ...segmentChanges, ...envChanges].filter((c) => c.action === 'delete');
  const changes = [...upserts, ...deletes];
  const scope = { environments };
  return {
    format_version: 1,
    tenant: input.tenant,
    scope,
    base_revision: input.baseRevision,
    plan_hash: planHash({ tenant: input.tenant, scope, changes }, input.hashOf),
    changes,
    summary: {
      create: changes.filter((c) => c.action === 'create').length,
      update: changes.filter((c) => c.action === 'update').length,
      delete: changes.filter((c) => c.action === 'delete').length,
      drift: changes.filter((c) => c.drift).length,
    },
  };
}

export function planHasChanges(plan: Plan): boolean {
  return plan.changes.length > 0;
}

/**
 * The state an environment-scoped apply writes: the current state with only
 * the listed environments of each flag taken from the files. Segments,
 * environments and flag deletions are tenant-wide, so they stay as they are;
 * a flag new to the server is created with only the scoped environments.
 */
export function scopeDesiredState(current: TenantState, desired: TenantState, environments: readonly string[]): TenantState {
  const wanted = byKey(desired.flags);
  const flags = current.flags.map((flag) => {
    const next = wanted.get(flag.key);
    if (!next || next === flag) return flag;
    const envs = { ...(flag.environments ?? {}) };
    for (const env of environments) {
      const config = next.environments?.[env];
      if (config) envs[env] = config;
      else delete envs[env];
    }
    return withEnvironments(flag, envs);
  });
  const existing = new Set(current.flags.map((f) => f.key));
  for (const flag of desired.flags) {
    if (existing.has(flag.key)) continue;
    const envs: NonNullable<Flag['environments']> = {};
    for (const env of environments) {
      const config = flag.environments?.[env];
      if (config) envs[env] = config;
    }
    flags.push(withEnvironments(flag, envs));
  }
  return { ...current, flags };
}

/** Keeps a flag without an environments block without one, so scoping alone never reads as a change. */
function withEnvironments(flag: Flag, environments: NonNullable<Flag['environments']>): Flag {
  if (Object.keys(environments).length > 0) return { ...flag, environments };
  const { environments: _dropped, ...rest } = flag;
  return rest;
}
