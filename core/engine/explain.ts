// explain: the same walk as evaluate, recording every step. It uses the same
// matching (operators.ts) and result building (results.ts) as evaluate, and the
// tests check on every vector that both give the same result. Not on the hot path.
import type { JsonValue } from '../model/index.js';
import { bucketOf } from './bucketing.js';
import { ConditionKind, ServeKind } from './compiled.js';
import type { CompiledCondition, CompiledFlag, CompiledSegment, CompiledServe } from './compiled.js';
import { describeAttributeTest } from './explain-text.js';
import { Test, membershipByList, readAttribute, testAttribute } from './operators.js';
import { bucketingValue, flagNotFound, isContextObject, serveResult } from './results.js';
import type { Snapshot } from './snapshot.js';
import type { ConditionTrace, EvaluationResult, ExplainTrace, PrerequisiteTrace, RuleTrace, SegmentTrace } from './types.js';

type Context = Readonly<Record<string, unknown>>;
type Served = NonNullable<ExplainTrace['served']>;

/** Evaluates like `evaluate` and returns every rule and condition tried, and why each matched or not. */
export function explain(snapshot: Snapshot, flagKey: string, context: unknown): ExplainTrace {
  return explainAt(snapshot, flagKey, context, true);
}

/** Explains a prerequisite as `evaluate` checks it: met only when enabled, without prerequisites, serving the variant. */
function tracePrerequisite(snapshot: Snapshot, flagKey: string, variant: string, context: Context): PrerequisiteTrace {
  const base = { flag: flagKey, variant };
  const required = snapshot.flagTable.get(flagKey);
  if (required === undefined) return { ...base, met: false, problem: `flag "${flagKey}" does not exist` };
  if (required.prerequisites !== null) {
    return { ...base, met: false, problem: `flag "${flagKey}" has prerequisites of its own: prerequisites are one level deep` };
  }
  const trace = explainAt(snapshot, flagKey, context, false);
  if (!required.enabled) return { ...base, met: false, problem: `flag "${flagKey}" is disabled in ${snapshot.environment}`, trace };
  const result = trace.result;
  if (result.errorCode !== undefined) return { ...base, met: false, problem: `flag "${flagKey}" answered error ${result.errorCode}`, trace };
  if (result.variant !== variant) return { ...base, met: false, problem: `flag "${flagKey}" served "${String(result.variant)}", not "${variant}"`, trace };
  return { ...base, met: true, trace };
}

function explainAt(snapshot: Snapshot, flagKey: string, context: unknown, checkPrerequisites: boolean): ExplainTrace {
  const base = { flagKey: String(flagKey), environment: snapshot.environment, revision: snapshot.revision };
  const flag = snapshot.flagTable.get(flagKey);
  if (flag === undefined) {
    return { ...base, flagFound: false, rules: [], served: { by: 'error' }, result: flagNotFound(String(flagKey)) };
  }
  if (!isContextObject(context)) {
    const result = flag.invalidContextResult;
    return { ...base, flagFound: true, enabled: flag.enabled, rules: [], served: { by: 'error', variant: result.variant }, result };
  }
  if (!flag.enabled) {
    const result = flag.disabledResult;
    return { ...base, flagFound: true, enabled: false, rules: [], served: { by: 'off', variant: result.variant }, result };
  }
  const trace: Omit<ExplainTrace, 'rules' | 'result'> = { ...base, flagFound: true, enabled: true };
  if (checkPrerequisites && flag.prerequisites !== null) {
    const prerequisites: PrerequisiteTrace[] = [];
    for (const p of flag.prerequisites) {
      const checked = tracePrerequisite(snapshot, p.flagKey, p.variant, context);
      prerequisites.push(checked);
      if (!checked.met) {
        const result = flag.prerequisiteFailedResult;
        return { ...trace, prerequisites, rules: [], served: { by: 'prerequisite', variant: result.variant }, result };
      }
    }
    trace.prerequisites = prerequisites;
  }
  const targetingKey = readAttribute(context, 'targetingKey');
  const targeted = typeof targetingKey === 'string' && flag.targets !== null ? flag.targets.get(targetingKey) : undefined;
  if (targeted !== undefined) {
    const result = targeted;
    return { ...trace, target: { matched: true, variant: result.variant ?? undefined }, rules: [], served: { by: 'target', variant: result.variant }, result };
  }
  const rules: RuleTrace[] = [];
  for (let i = 0; i < flag.rules.length; i++) {
    const rule = flag.rules[i]!;
    const conditions: ConditionTrace[] = [];
    let matched = true;
    for (let j = 0; j < rule.conditions.length && matched; j++) {
      const condition = traceCondition(rule.conditions[j]!, j, context);
      conditions.push(condition);
      matched = condition.matched;
    }
    rules.push({ index: i, ruleId: rule.id, matched, conditions });
    if (matched) {
      const result = serveResult(flag, rule.serve, context);
      return { ...trace, target: { matched: false }, rules, served: servedBy('rule', flag, rule.serve, context, result), result };
    }
  }
  const result = serveResult(flag, flag.fallback, context);
  return { ...trace, target: { matched: false }, rules, served: servedBy('default', flag, flag.fallback, context, result), result };
}

function servedBy(
  by: 'rule' | 'default',
  flag: CompiledFlag,
  serve: CompiledServe,
  context: Context,
  result: EvaluationResult,
): Served {
  const served: Served = { by, variant: result.variant };
  if (result.ruleId !== undefined) served.ruleId = result.ruleId;
  const schedule = serve.schedule;
  if (schedule !== null) {
    served.schedule = {
      step: schedule.step + 1,
      steps: schedule.steps,
      ...(schedule.since === undefined ? {} : { since: new Date(schedule.since).toISOString() }),
      ...(schedule.next === undefined ? {} : { next: new Date(schedule.next).toISOString() }),
    };
  }
  if (serve.kind === ServeKind.ROLLOUT) {
    const bucketValue = bucketingValue(context, serve.bucketBy);
    served.rollout = {
      bucketBy: serve.bucketBy,
      ...(bucketValue === undefined ? {} : { bucketValue, bucket: bucketOf(flag.prefix, bucketValue) }),
      weights: { ...serve.weights },
    };
  }
  return served;
}

function asJson(value: unknown): JsonValue | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number') return value;
  if (typeof value === 'object') return value as JsonValue;
  return undefined;
}

function traceCondition(c: CompiledCondition, index: number, context: Context): ConditionTrace {
  const source = c.source;
  const negate = source.negate === true;
  if (c.kind === ConditionKind.SEGMENT) {
    const segment = traceSegment(c.segment!, context);
    const matched = segment.matched !== c.negate;
    const membership = `${segment.matched ? 'member' : 'not a member'} of segment "${segment.key}" (${segment.via})`;
    return {
      index,
      kind: 'segment',
      matched,
      explanation: negate ? `${membership}; negated: ${matched ? 'match' : 'no match'}` : membership,
      negate,
      segment,
    };
  }
  const details = {
    ...(source.attribute === undefined ? {} : { attribute: source.attribute }),
    ...(source.operator === undefined ? {} : { operator: source.operator }),
    ...(source.value === undefined ? {} : { expected: source.value as JsonValue }),
  };
  if (c.kind === ConditionKind.NEVER) {
    const kind = source.segment !== undefined ? 'segment' : 'attribute';
    return { index, kind, matched: false, explanation: `never matches: ${c.problem}`, ...details, negate };
  }
  const value = readAttribute(context, c.attribute);
  const test = testAttribute(c, value);
  const matched = test === Test.NOT_APPLICABLE ? false : (test === Test.TRUE) !== c.negate;
  const actual = asJson(value);
  return {
    index,
    kind: 'attribute',
    matched,
    explanation: describeAttributeTest(c, value, test, matched),
    ...details,
    ...(actual === undefined ? {} : { actual }),
    negate,
  };
}

function traceSegment(segment: CompiledSegment, context: Context): SegmentTrace {
  const via = membershipByList(segment, readAttribute(context, 'targetingKey'));
  if (via !== undefined) return { key: segment.key, matched: via === 'include', via };
  if (segment.conditions.length === 0) return { key: segment.key, matched: false, via: 'no-conditions' };
  const match = segment.matchAny ? 'any' : 'all';
  const conditions: ConditionTrace[] = [];
  // any: stop at the first match; all: stop at the first failure (as isSegmentMember does).
  let matched = !segment.matchAny;
  for (let i = 0; i < segment.conditions.length; i++) {
    const condition = traceCondition(segment.conditions[i]!, i, context);
    conditions.push(condition);
    if (condition.matched === segment.matchAny) {
      matched = segment.matchAny;
      break;
    }
  }
  return { key: segment.key, matched, via: 'conditions', match, conditions };
}
