import { computePlan, documentHash, reordersEnvironments, scopeDesiredState, type Change, type Plan } from '../../../core/diff/index.js';
import type { TenantState } from '../../../core/model/index.js';
import { validateTenantChanges, type StateChange } from '../../../core/validation/index.js';
import { ApiError, unprocessable, type ApiErrorCode } from '../../errors.js';
import type { Stores } from '../../stores.js';
import type { DocumentKind, DriftMark, ManagedBy, StoredDocument } from '../documents/types.js';
import { catchUp } from './catch-up.js';
import { noUpdates, patchState } from './patch-state.js';
import { readTenantState } from './read-state.js';
import { recordChanges, type AppliedChange } from './record-changes.js';
import { planChangedError, stalePlanError } from './stale-plan.js';
import type { StateListener } from './state-listener.js';
import { storeOf } from './store-of.js';
import type { TenantRow } from './tenant-store.js';
import { toDetail, type Focus } from './validate-state.js';
import { describeChanges, writeChanges } from './write-plan.js';
import type { WriteContext } from './write-context.js';

/**
 * The tenant as a write starts from: the state at the database's current
 * revision (read inside the write transaction), and its stored rows, read one
 * at a time on demand — a write looks at the rows of what it changes only.
 */
export class TenantBase {
  private readonly cache = new Map<string, StoredDocument | undefined>();

  constructor(
    private readonly stores: Stores,
    readonly tenant: string,
    readonly row: TenantRow | undefined,
    readonly revision: number,
    readonly state: TenantState,
  ) {}

  /** The stored row of a document (archived included), or undefined. */
  async stored(kind: DocumentKind, key: string): Promise<StoredDocument | undefined> {
    const id = `${kind}:${key}`;
    // A tenant without a row has no documents: nothing to read.
    if (!this.cache.has(id)) this.cache.set(id, this.row === undefined ? undefined : await storeOf(this.stores, kind).get(this.tenant, key));
    return this.cache.get(id);
  }

  /** Reads the rows of these documents (what a plan changes), so `known()` can answer synchronously. */
  async fetch(keys: readonly { resource: DocumentKind; key: string }[]): Promise<void> {
    const missing = new Map<DocumentKind, string[]>();
    for (const { resource, key } of keys) {
      const id = `${resource}:${key}`;
      if (this.cache.has(id)) continue;
      if (this.row === undefined) this.cache.set(id, undefined);
      else {
        const list = missing.get(resource) ?? [];
        if (list.length === 0) missing.set(resource, list);
        list.push(key);
      }
    }
    // One read per kind, not per key (a first apply of thousands of flags asks for thousands of absent rows).
    for (const [resource, wanted] of missing) {
      const found = new Map((await storeOf(this.stores, resource).getMany(this.tenant, wanted)).map((d) => [d.key, d]));
      for (const key of wanted) this.cache.set(`${resource}:${key}`, found.get(key));
    }
  }

  /** A row read before by `stored()` or `fetch()` (core/diff's callbacks are synchronous). */
  known(kind: DocumentKind, key: string): StoredDocument | undefined {
    const id = `${kind}:${key}`;
    if (!this.cache.has(id)) throw new Error(`${id}: read the row (TenantBase.fetch) before asking for it`);
    return this.cache.get(id);
  }
}

/** Keys that may differ between the base and the desired state, per kind (the plan walks only these). */
export type Candidates = { readonly [K in DocumentKind]?: ReadonlySet<string> };

export interface Desired {
  state: TenantState;
  /** Absent: any document may differ (a whole desired state). */
  candidates?: Candidates;
  /** The write overrides Git's ownership (a REST write with ?force=true to a Git-managed resource): audited as forced. */
  forced?: boolean;
}

/** How the rows a write creates or changes are marked. */
export interface RowMarks {
  /** Set on every written row (apply, watch: 'git'); undefined keeps it ('api' for a new row). */
  managedBy?: ManagedBy;
  /**
   * The drift recorded on every written row: a REST write is drift, a write
   * from files clears it (null); undefined leaves it (an environment-scoped
   * apply restores some environments of a flag, drift elsewhere may remain).
   */
  drift?: DriftMark | null;
  /** Whole-tenant writes from files: every active row equals the files now, so no drift remains anywhere. */
  clearUnchangedDrift: boolean;
}

export interface TenantWrite {
  tenant: string;
  ctx: WriteContext;
  /** The desired state, built from the base (may refuse with an ApiError: preconditions of REST writes). */
  desire(base: TenantBase): Desired | Promise<Desired>;
  /** null: the whole tenant; otherwise only these environments of each flag (core/diff scopeDesiredState). */
  scope: readonly string[] | null;
  /** What a document leaving the state becomes: removed rows (apply, seed; refused unless allowed) or archived rows (REST). */
  removal: 'delete' | 'delete-refused' | 'archive';
  marks: RowMarks;
  /** Refuse (409 STALE_PLAN) unless the tenant is at this revision. */
  expectedRevision?: number;
  /** Refuse (409 STALE_PLAN) unless the plan computed now has this plan_hash (the reviewed plan). */
  expectedPlanHash?: string;
  dryRun?: boolean;
  /**
   * Sees the plan once it is computed (and its hash checked), before anything
   * is written: may add risks (they are not part of plan_hash) or refuse by
   * throwing. `current` is the state the plan was computed against.
   */
  review?: (plan: Plan, current: TenantState) => Plan;
  /** How an invalid result is refused: the code, and the document a REST write submitted. */
  invalid: { code: ApiErrorCode; focus?: Focus };
}

export interface TenantWriteResult {
  tenant: string;
  /** The tenant revision after the call (unchanged when nothing changed or on a dry run). */
  revision: number;
  previousRevision: number;
  /** The plan's changes as audited (on a dry run: what a real call would write). */
  changes: AppliedChange[];
  plan: Plan;
  applied: boolean;
}

/**
 * THE write path of a tenant's state. REST creates, updates, archives and
 * restores, POST /v1/apply, watch-mode reconciles and seed all come here:
 * in ONE write transaction, start from the state at the current revision
 * (this process's index when it is current, else caught up from the
 * revisions log, else read), build the desired state, plan it with
 * core/diff's computePlan (the one diff and the one equality: what a dry run
 * shows is what is written), validate what changed and what references it,
 * write the rows, one revision and one audit row per change; after commit
 * the index swaps in a snapshot recompiled for the changed keys only.
 */
export function writeTenant(stores: Stores, listener: StateListener, w: TenantWrite): Promise<TenantWriteResult> {
  const { tenant, ctx } = w;
  // A dry run (POST /v1/plan among them) writes nothing: one read snapshot,
  // no write lock, so plans never queue behind writes. What it answers is
  // bound to its base revision and plan_hash, which the apply re-checks
  // under the tenant's write lock.
  const inTransaction = <T>(fn: () => Promise<T>): Promise<T> => (w.dryRun ? stores.read(fn) : stores.transaction(fn, tenant));
  return inTransaction(async () => {
    const base = await readTenantBase(stores, listener, tenant);
    const previousRevision = base.revision;
    if (w.expectedRevision !== undefined && w.expectedRevision !== previousRevision) {
      throw await stalePlanError(stores, tenant, w.expectedRevision, previousRevision);
    }
    const desired = await w.desire(base);
    let next = desired.state;
    let candidates = desired.candidates;
    if (w.scope !== null) {
      assertScopeExists(base.state, w.scope);
      next = scopeDesiredState(base.state, next, w.scope);
      candidates = candidates?.flag === undefined ? undefined : { flag: candidates.flag };
    }
    const duplicates = candidates === undefined && hasDuplicateKeys(next);
    const planInput = {
      tenant,
      current: base.state,
      desired: next,
      baseRevision: previousRevision,
      environments: w.scope === null ? null : [...w.scope],
      // Every document the plan hashes is a value from here on (it is written, then held by the index).
      hashOf: documentHash,
    };
    // The plan names what changes; their rows say what is drift. core/diff
    // asks for drift synchronously, so read those rows first and plan again,
    // over just the changed keys, only when one of them has drift.
    let computed = computePlan({ ...planInput, ...(candidates === undefined ? {} : { candidates }) });
    await base.fetch(computed.changes);
    if (computed.changes.some((c) => base.known(c.resource, c.key)?.drift)) {
      computed = computePlan({
        ...planInput,
        candidates: changedKeys(computed.changes),
        drift: (kind, key) => {
          const drift = base.known(kind, key)?.drift;
          return drift ? { source: drift.source, actor: drift.actor, at: drift.at } : undefined;
        },
      });
    }
    if (w.expectedPlanHash !== undefined && w.expectedPlanHash !== computed.plan_hash) throw planChangedError(w.expectedPlanHash, computed);
    const plan = w.review ? w.review(computed, base.state) : computed;

    // The tenant's name is checked by the request schema and compiled into nothing: renaming needs no re-validation.
    const change = stateChangeOf(plan.changes, duplicates);
    const errors = validateTenantChanges(next, change).filter((d) => d.severity === 'error');
    if (errors.length > 0) {
      throw unprocessable(w.invalid.code, 'the change would make the tenant state invalid', errors.map((d) => toDetail(d, next, w.invalid.focus)));
    }

    const envKeys = next.environments.map((e) => e.key);
    const changes = describeChanges(plan.changes, (kind, key) => base.known(kind, key) !== undefined, envKeys, w.removal === 'archive');
    const result = { tenant, revision: previousRevision, previousRevision, changes, plan, applied: false };
    if (w.dryRun) return result;
    const deletions = plan.changes.filter((c) => c.action === 'delete');
    if (deletions.length > 0 && w.removal === 'delete-refused') throw deletesNotAllowed(deletions);

    await stores.tenants.ensure(tenant, ctx.now, next.name);
    if (w.scope === null && base.row && (base.row.name ?? undefined) !== next.name) await stores.tenants.setName(tenant, next.name ?? null, ctx.now);
    const clearsDrift = w.scope === null && w.marks.clearUnchangedDrift && base.row !== undefined;
    if (clearsDrift) {
      for (const kind of ['environment', 'segment', 'flag', 'experiment'] as const) await storeOf(stores, kind).clearActiveDrift(tenant);
    }
    if (changes.length === 0) {
      // Drift cleared with nothing else to write is no revision (the documents are Git's already); pages showing the marks still hear of it.
      if (clearsDrift) stores.afterCommit(() => listener.marksCommitted?.(tenant, previousRevision));
      return result;
    }

    const revision = await stores.tenants.bumpRevision(tenant, ctx.now);
    // New environments take the next positions in the order the desired state declares them (the plan lists them by key).
    const declared = new Map(next.environments.map((e, i) => [e.key, i]));
    await writeChanges(stores, inDeclarationOrder(changes, declared), { tenant, revision, ctx, marks: w.marks });
    // A moved environment: every one takes its place in the files' order.
    const reordered = reordersEnvironments(plan.changes);
    if (reordered) await stores.environments.setOrder(tenant, next.environments.map((e) => e.key));
    await recordChanges(stores, tenant, revision, ctx, changes, desired.forced === true);
    const patched = committedState(base.state, inDeclarationOrder(plan.changes, declared), w.scope === null ? (next.name ?? null) : undefined);
    const committed = reordered ? inOrderOf(patched, next.environments) : patched;
    stores.afterCommit(() => listener.stateCommitted(tenant, committed, revision, { base: previousRevision, change }));
    return { ...result, revision, applied: true };
  });
}

/** The state at the database's current revision; call inside the write transaction. */
async function readTenantBase(stores: Stores, listener: StateListener, tenant: string): Promise<TenantBase> {
  const row = await stores.tenants.get(tenant);
  if (!row) return new TenantBase(stores, tenant, undefined, 0, { tenant, environments: [], flags: [], segments: [] });
  const named = (state: TenantState): TenantState => {
    if ((state.name ?? null) === row.name) return state;
    const { name: _old, ...rest } = state;
    return row.name === null ? rest : { ...rest, name: row.name };
  };
  const held = listener.held?.(tenant);
  if (held && held.revision === row.revision) return new TenantBase(stores, tenant, row, row.revision, named(held.state));
  const caught = held && held.revision < row.revision ? await catchUp(stores, tenant, held, row.revision) : undefined;
  if (caught) return new TenantBase(stores, tenant, row, row.revision, caught.state);
  const loaded = await readTenantState(stores, tenant);
  return new TenantBase(stores, tenant, row, row.revision, loaded?.state ?? { tenant, environments: [], flags: [], segments: [] });
}

/** `changes` with the environment creates among them in declaration order; everything else keeps its place. */
function inDeclarationOrder<C extends { resource: DocumentKind; action: string; key: string }>(changes: readonly C[], declared: ReadonlyMap<string, number>): C[] {
  const isCreate = (c: C) => c.resource === 'environment' && (c.action === 'create' || c.action === 'restore');
  const creates = changes.filter(isCreate).sort((a, b) => (declared.get(a.key) ?? 0) - (declared.get(b.key) ?? 0));
  let next = 0;
  return changes.map((c) => (isCreate(c) ? (creates[next++] as C) : c));
}

/** `state` with its environments listed in the order of `declared`. */
function inOrderOf(state: TenantState, declared: readonly { key: string }[]): TenantState {
  const at = new Map(declared.map((e, i) => [e.key, i]));
  const environments = [...state.environments].sort((a, b) => (at.get(a.key) ?? Infinity) - (at.get(b.key) ?? Infinity));
  return { ...state, environments };
}

/** The keys a plan changes, per kind (to plan them again). */
function changedKeys(changes: readonly Change[]): Candidates {
  const keys = { environment: new Set<string>(), flag: new Set<string>(), segment: new Set<string>(), experiment: new Set<string>() };
  for (const c of changes) keys[c.resource].add(c.key);
  return keys;
}

/** The keys a plan changes, as validation and the index need them. */
function stateChangeOf(changes: readonly Change[], tenantWide: boolean): StateChange {
  const change = { flags: new Set<string>(), segments: new Set<string>(), experiments: new Set<string>(), tenant: tenantWide };
  for (const c of changes) {
    if (c.resource === 'environment') change.tenant = true;
    else (c.resource === 'flag' ? change.flags : c.resource === 'segment' ? change.segments : change.experiments).add(c.key);
  }
  return change;
}

/**
 * The state the index holds after the commit: the base with the plan's
 * documents set or removed, in the database's order, sharing every unchanged
 * document (and so its remembered hash and its compiled form).
 */
function committedState(base: TenantState, changes: readonly Change[], name: string | null | undefined): TenantState {
  const updates = noUpdates();
  for (const c of changes) updates[c.resource].set(c.key, c.action === 'delete' ? undefined : (c.after as unknown as { key: string }));
  return patchState(base, updates, name);
}

function hasDuplicateKeys(state: TenantState): boolean {
  const distinct = (list: readonly { key: string }[]) => new Set(list.map((d) => d.key)).size === list.length;
  return !(distinct(state.flags) && distinct(state.segments) && distinct(state.environments) && distinct(state.experiments ?? []));
}

function deletesNotAllowed(deletions: readonly Change[]): ApiError {
  return new ApiError(
    409,
    'DELETES_NOT_ALLOWED',
    `the desired state deletes ${deletions.length} resource(s): allow deletes to proceed`,
    deletions.map((c) => ({ code: 'DELETE_NOT_ALLOWED', message: `${c.resource} ${c.key} would be deleted`, resource: c.resource, key: c.key })),
  );
}

/** A scoped apply changes environments of flags; creating an environment needs a whole-tenant apply. */
function assertScopeExists(current: TenantState, scope: readonly string[]): void {
  const known = new Set(current.environments.map((e) => e.key));
  const details = scope.flatMap((env, i) =>
    known.has(env) ? [] : [{ code: 'UNKNOWN_ENVIRONMENT', message: `environment ${env} does not exist on the server: apply the whole tenant first`, path: `/environments/${i}` }],
  );
  if (details.length > 0) throw unprocessable('INVALID_STATE', 'an environment-scoped apply names environments the tenant does not have', details);
}
