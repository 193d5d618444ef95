// buildSnapshot: compiles one environment of a tenant, once, into the structure
// evaluate walks without parsing anything. A semantically broken definition
// (unknown variant or segment, bad operand) still compiles: the broken part
// serves the off variant with an error or never matches, and the validator
// reports it. Only a caller mistake (an environment the tenant does not declare) throws.
import { CoreError } from '../errors.js';
import { FEW_KEYS, indexOfKey, type EnvironmentConfig, type Flag, type JsonValue, type Rule, type Serve, type TenantState } from '../model/index.js';
import { bucketPrefix, normalizeRollout } from './bucketing.js';
import { compileCondition } from './compile-condition.js';
import { compileSegments } from './compile-segments.js';
import { ServeKind } from './compiled.js';
import type { CompiledFlag, CompiledPrerequisite, CompiledRule, CompiledSegment, CompiledServe, Outcome, ScheduleState } from './compiled.js';
import { parseIsoDate } from './iso-date.js';
import { INVALID_CONTEXT_MESSAGE, makeResult, outcomeResult } from './results.js';
import type { EvaluationResult, Reason } from './types.js';
import { toFrozenJson } from './frozen-json.js';
import { FlagTable } from './flag-table.js';
import { Snapshot } from './snapshot.js';

const hasOwn = Object.hasOwn;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The default bucketing attribute. */
export const TARGETING_KEY = 'targetingKey';

export interface BuildOptions {
  /**
   * The moment (epoch ms) schedules are resolved at: each scheduled serve is
   * compiled as the step in force then. The engine never reads a clock; without
   * `at`, every schedule is before its first step (serves the off variant).
   * The snapshot's `nextChangeAt` says when to build again.
   */
  at?: number;
}

/** Tracks the earliest schedule step after the snapshot's moment while compiling. */
class Clock {
  next = Infinity;
  constructor(readonly at: number) {}
  saw(time: number): void {
    if (time > this.at && time < this.next) this.next = time;
  }
}

/** Compiles `environment` of `state`; throws CoreError UNKNOWN_ENVIRONMENT if the tenant does not declare it. */
export function buildSnapshot(state: TenantState, environment: string, revision: number, options: BuildOptions = {}): Snapshot {
  if (!state.environments.some((env) => env.key === environment)) {
    throw new CoreError('UNKNOWN_ENVIRONMENT', `tenant "${state.tenant}" has no environment "${environment}"`);
  }
  const segments = compileSegments(state.segments ?? []);
  const flags = new Map<string, CompiledFlag>();
  const at = typeof options.at === 'number' && Number.isFinite(options.at) ? options.at : undefined;
  const clock = new Clock(at ?? -Infinity);
  for (const flag of state.flags ?? []) {
    // A duplicated key keeps its first definition (the validator reports the duplicate).
    if (!isObject(flag) || typeof flag.key !== 'string' || flags.has(flag.key)) continue;
    flags.set(flag.key, compileFlag(state.tenant, flag, environment, segments, clock));
  }
  return new Snapshot(state.tenant, environment, revision, FlagTable.of(flags), segments, { at, nextChangeAt: clock.next === Infinity ? undefined : clock.next });
}

/** What changed between the state `previous` was built from and the new one, by key. */
export interface SnapshotChange {
  /** Flags created, updated or removed. */
  flags: ReadonlySet<string>;
  /** Segments created, updated or removed. */
  segments: ReadonlySet<string>;
}

/**
 * The snapshot of `state` at `revision`, built from `previous` (the same
 * environment of the same tenant) by compiling only what `change` names plus
 * the flags that use a changed segment. Every other compiled flag and segment
 * is shared with `previous`, which stays valid and unchanged: evaluations
 * still reading it are unaffected. Answers exactly as buildSnapshot(state, …)
 * would, provided `change` lists every key that differs (the write path knows
 * them; a property test holds the two equal).
 */
export function updateSnapshot(previous: Snapshot, state: TenantState, revision: number, change: SnapshotChange): Snapshot {
  const environment = previous.environment;
  if (!state.environments.some((env) => env.key === environment)) {
    throw new CoreError('UNKNOWN_ENVIRONMENT', `tenant "${state.tenant}" has no environment "${environment}"`);
  }
  const recompile = new Set(change.flags);
  let segments = previous.segmentTable;
  if (change.segments.size > 0) {
    segments = compileSegments(state.segments ?? [], previous.segmentTable, change.segments);
    for (const flag of previous.flagTable.values()) {
      if (flag.segments.some((key) => change.segments.has(key))) recompile.add(flag.key);
    }
  }
  const timing = { at: previous.at, nextChangeAt: previous.nextChangeAt };
  if (recompile.size === 0 && segments === previous.segmentTable) {
    return new Snapshot(state.tenant, environment, revision, previous.flagTable, segments, timing);
  }
  const definitions = new Map<string, Flag>();
  const list = state.flags ?? [];
  if (recompile.size <= FEW_KEYS) {
    for (const key of recompile) {
      const index = indexOfKey(list, key);
      if (index >= 0) definitions.set(key, list[index] as Flag);
    }
  } else {
    for (const flag of list) {
      if (isObject(flag) && typeof flag.key === 'string' && recompile.has(flag.key) && !definitions.has(flag.key)) definitions.set(flag.key, flag);
    }
  }
  // Schedules resolve at the previous snapshot's moment. The next change is the earlier of
  // the previous one and the recompiled flags' own: possibly early (when the flag that set it
  // changed), never late, and rebuilding early changes no answer.
  const clock = new Clock(previous.at ?? -Infinity);
  const changes = new Map<string, CompiledFlag | undefined>();
  for (const key of recompile) {
    const flag = definitions.get(key);
    changes.set(key, flag === undefined ? undefined : compileFlag(state.tenant, flag, environment, segments, clock));
  }
  const next = Math.min(clock.next, timing.nextChangeAt ?? Infinity);
  return new Snapshot(state.tenant, environment, revision, previous.flagTable.with(changes), segments, {
    at: timing.at,
    nextChangeAt: next === Infinity ? undefined : next,
  });
}

/** Builds outcomes for one flag, sharing one object per variant. */
class Outcomes {
  readonly off: Outcome;
  readonly #flagKey: string;
  readonly #values = new Map<string, JsonValue>();
  readonly #byVariant = new Map<string, Outcome>();

  constructor(flag: Flag, offVariant: string) {
    this.#flagKey = flag.key;
    if (isObject(flag.variants)) {
      for (const name of Object.keys(flag.variants)) this.#values.set(name, toFrozenJson(flag.variants[name]));
    }
    this.off = this.#values.has(offVariant)
      ? this.of(offVariant, 'off variant')
      : Object.freeze({ variant: null, value: null, errorMessage: `off variant "${offVariant}" is not defined` });
  }

  /** The outcome serving `name`; for an unknown variant, the off variant with an error. */
  of(name: unknown, where: string): Outcome {
    if (typeof name === 'string' && this.#values.has(name)) {
      let outcome = this.#byVariant.get(name);
      if (outcome === undefined) {
        outcome = Object.freeze({ variant: name, value: this.#values.get(name)!, errorMessage: undefined });
        this.#byVariant.set(name, outcome);
      }
      return outcome;
    }
    return this.broken(`${where} serves unknown variant "${String(name)}"`);
  }

  /** The off variant (or nothing, if that is undefined too) served with an error. */
  broken(message: string): Outcome {
    return Object.freeze({ variant: this.off.variant, value: this.off.value, errorMessage: message });
  }

  /** The frozen answer serving an outcome (ERROR / GENERAL if the outcome is broken). */
  result(outcome: Outcome, reason: Reason, ruleId: string | undefined): EvaluationResult {
    return Object.freeze(outcomeResult(this.#flagKey, outcome, reason, ruleId, undefined));
  }

  /** The frozen answer when a rollout's bucketing attribute is missing. */
  missing(ruleId: string | undefined, message: string): EvaluationResult {
    const off = this.off;
    return Object.freeze(
      makeResult(this.#flagKey, off.value, off.variant, 'ERROR', ruleId, undefined, 'TARGETING_KEY_MISSING', message),
    );
  }
}

function compileFlag(
  tenant: string,
  flag: Flag,
  environment: string,
  segments: ReadonlyMap<string, CompiledSegment>,
  clock: Clock,
): CompiledFlag {
  const config: EnvironmentConfig | undefined =
    isObject(flag.environments) && hasOwn(flag.environments, environment) && isObject(flag.environments[environment])
      ? flag.environments[environment]
      : undefined;
  const outcomes = new Outcomes(flag, config?.offVariant ?? flag.offVariant);
  const rules = Array.isArray(config?.rules) ? config.rules : [];
  const off = outcomes.off;
  return Object.freeze({
    key: flag.key,
    type: flag.type,
    enabled: config?.enabled === true,
    off,
    disabledResult: outcomes.result(off, 'DISABLED', undefined),
    prerequisites: compilePrerequisites(flag.prerequisites),
    prerequisiteFailedResult: outcomes.result(off, 'PREREQUISITE_FAILED', undefined),
    invalidContextResult: Object.freeze(
      makeResult(flag.key, off.value, off.variant, 'ERROR', undefined, undefined, 'INVALID_CONTEXT', INVALID_CONTEXT_MESSAGE),
    ),
    targets: compileTargets(config?.targets, outcomes),
    rules: Object.freeze(rules.map((rule, index) => compileRule(rule, index, outcomes, segments, clock))),
    fallback:
      config?.default === undefined
        ? fixedServe(outcomes.off, undefined, outcomes)
        : compileServe(config.default, 'default', undefined, outcomes, clock),
    prefix: Object.freeze(bucketPrefix(tenant, flag.key, typeof flag.salt === 'string' ? flag.salt : undefined)),
    segments: Object.freeze(segmentKeysOf(rules)),
  });
}

function compilePrerequisites(list: Flag['prerequisites']): CompiledFlag['prerequisites'] {
  if (!Array.isArray(list) || list.length === 0) return null;
  const out: CompiledPrerequisite[] = [];
  for (const item of list) {
    // A malformed entry can never be met (the validator reports it).
    const ok = isObject(item) && typeof item.flag === 'string' && typeof item.variant === 'string';
    out.push(Object.freeze({ flagKey: ok ? item.flag : '', variant: ok ? item.variant : '' }));
  }
  return Object.freeze(out);
}

/** The segments a flag's rules in one environment test membership of. */
function segmentKeysOf(rules: readonly Rule[]): string[] {
  const keys = new Set<string>();
  for (const rule of rules) {
    if (!isObject(rule) || !Array.isArray(rule.conditions)) continue;
    for (const condition of rule.conditions) {
      if (isObject(condition) && typeof condition.segment === 'string') keys.add(condition.segment);
    }
  }
  return [...keys];
}

function compileTargets(
  targets: EnvironmentConfig['targets'],
  outcomes: Outcomes,
): ReadonlyMap<string, EvaluationResult> | null {
  if (!isObject(targets)) return null;
  const byKey = new Map<string, EvaluationResult>();
  // Sorted so that a key listed under two variants (a validation error) resolves the same way whatever the file order.
  for (const variant of Object.keys(targets).sort()) {
    const keys = targets[variant];
    if (!Array.isArray(keys)) continue;
    const outcome = outcomes.result(outcomes.of(variant, 'a target'), 'TARGETING_MATCH', undefined);
    for (const key of keys) if (typeof key === 'string' && !byKey.has(key)) byKey.set(key, outcome);
  }
  return byKey.size > 0 ? byKey : null;
}

function compileRule(
  rule: Rule,
  index: number,
  outcomes: Outcomes,
  segments: ReadonlyMap<string, CompiledSegment>,
  clock: Clock,
): CompiledRule {
  const id = isObject(rule) && typeof rule.id === 'string' ? rule.id : `#${index + 1}`;
  const conditions = isObject(rule) && Array.isArray(rule.conditions) ? rule.conditions : [];
  return Object.freeze({
    id,
    conditions: Object.freeze(conditions.map((condition) => compileCondition(condition, segments))),
    serve: compileServe(isObject(rule) ? rule.serve : undefined, `rule "${id}"`, id, outcomes, clock),
  });
}

const NO_WEIGHTS: Readonly<Record<string, number>> = Object.freeze({});
const NO_OUTCOMES: readonly Outcome[] = Object.freeze([]);
const NO_THRESHOLDS: readonly number[] = Object.freeze([]);

function fixedServe(outcome: Outcome, ruleId: string | undefined, outcomes: Outcomes, schedule: ScheduleState | null = null): CompiledServe {
  return Object.freeze({
    kind: ServeKind.FIXED,
    ruleId,
    result: outcomes.result(outcome, ruleId === undefined ? 'DEFAULT' : 'TARGETING_MATCH', ruleId),
    outcomes: NO_OUTCOMES,
    thresholds: NO_THRESHOLDS,
    bucketBy: '',
    weights: NO_WEIGHTS,
    emptyOutcome: outcomes.off,
    schedule,
  });
}

/**
 * A schedule, resolved at the clock's moment: the step in force is the one
 * with the latest start not after it (a tie: the later in the list); before
 * every start, the off variant. Every start after the moment is reported to
 * the clock, so the snapshot knows when its answers change next.
 */
function compileSchedule(serve: Serve, where: string, ruleId: string | undefined, outcomes: Outcomes, clock: Clock): CompiledServe {
  const steps = Array.isArray(serve.schedule) ? serve.schedule : [];
  const times = steps.map((step) => (isObject(step) && typeof step.at === 'string' ? parseIsoDate(step.at) : NaN));
  if (steps.length === 0 || times.some(Number.isNaN)) {
    return fixedServe(outcomes.broken(`${where} has a schedule step without a valid start time`), ruleId, outcomes);
  }
  let chosen = -1;
  for (let i = 0; i < times.length; i++) {
    const time = times[i]!;
    clock.saw(time);
    if (time <= clock.at && (chosen === -1 || time >= times[chosen]!)) chosen = i;
  }
  let next: number | undefined;
  for (const time of times) if (time > clock.at && (next === undefined || time < next)) next = time;
  const state: ScheduleState = Object.freeze({ step: chosen, steps: steps.length, since: chosen === -1 ? undefined : times[chosen], next });
  if (chosen === -1) return fixedServe(outcomes.off, ruleId, outcomes, state);
  const step = steps[chosen]!;
  const resolved: Serve = { ...(step.variant === undefined ? {} : { variant: step.variant }), ...(step.rollout === undefined ? {} : { rollout: step.rollout }) };
  if (serve.bucketBy !== undefined) resolved.bucketBy = serve.bucketBy;
  return compileServe(resolved, `${where} step ${chosen + 1}`, ruleId, outcomes, clock, state);
}

function compileServe(
  serve: Serve | undefined,
  where: string,
  ruleId: string | undefined,
  outcomes: Outcomes,
  clock: Clock,
  schedule: ScheduleState | null = null,
): CompiledServe {
  if (!isObject(serve)) return fixedServe(outcomes.broken(`${where} has no serve`), ruleId, outcomes);
  const hasVariant = serve.variant !== undefined;
  const hasRollout = serve.rollout !== undefined;
  const hasSchedule = schedule === null && serve.schedule !== undefined;
  if (Number(hasVariant) + Number(hasRollout) + Number(hasSchedule) !== 1) {
    return fixedServe(outcomes.broken(`${where} must serve exactly one of variant, rollout or schedule`), ruleId, outcomes, schedule);
  }
  if (hasSchedule) return compileSchedule(serve, where, ruleId, outcomes, clock);
  if (hasVariant) return fixedServe(outcomes.of(serve.variant, where), ruleId, outcomes, schedule);
  const weights: Record<string, number> = {};
  if (isObject(serve.rollout)) {
    for (const name of Object.keys(serve.rollout)) {
      const weight = serve.rollout[name];
      weights[name] = typeof weight === 'number' ? weight : NaN;
    }
  }
  const rollout = normalizeRollout(weights);
  const bucketBy = typeof serve.bucketBy === 'string' && serve.bucketBy.length > 0 ? serve.bucketBy : TARGETING_KEY;
  const missing = `${where} buckets by "${bucketBy}", which the context lacks or is not a non-empty string or finite number`;
  return Object.freeze({
    kind: ServeKind.ROLLOUT,
    ruleId,
    result: outcomes.missing(ruleId, missing),
    outcomes: Object.freeze(rollout.variants.map((name) => outcomes.of(name, `${where} rollout`))),
    thresholds: Object.freeze([...rollout.thresholds]),
    bucketBy,
    weights: Object.freeze(weights),
    emptyOutcome: outcomes.broken(`${where} rollout has no variant with a positive weight`),
    schedule,
  });
}
