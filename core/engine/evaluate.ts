// The hot path. Per call: one Map lookup, the targets Map, the rules' compiled
// conditions, at most one hash. No parsing, no closures, no arrays, no trace
// (explain.ts builds that, using the same helpers). Only a rollout allocates
// (its result carries the bucket); every other answer is a frozen result built
// at compile time. Results are therefore read-only: copy one to change it.
import type { CompiledFlag } from './compiled.js';
import type { Snapshot } from './snapshot.js';
import { allConditionsMatch } from './operators.js';
import { flagNotFound, isContextObject, serveResult } from './results.js';
import type { EvaluationResult } from './types.js';

/**
 * Whether a prerequisite flag serves `variant` for the context. One level deep:
 * a prerequisite that has prerequisites of its own (a validation error, which
 * also covers every cycle) is never met, so evaluation never recurses.
 */
export function prerequisiteMet(snapshot: Snapshot, flagKey: string, variant: string, context: Readonly<Record<string, unknown>>): boolean {
  const required = snapshot.flagTable.get(flagKey);
  if (required === undefined || required.prerequisites !== null || !required.enabled) return false;
  const result = evaluateEnabled(required, context);
  return result.errorCode === undefined && result.variant === variant;
}

/** An enabled flag without prerequisites to check: targets, rules, default. */
function evaluateEnabled(flag: CompiledFlag, context: Readonly<Record<string, unknown>>): EvaluationResult {
  if (flag.targets !== null) {
    // A named load (fast); only a string counts, so nothing inherited can pass.
    const targetingKey = context.targetingKey;
    if (typeof targetingKey === 'string') {
      const target = flag.targets.get(targetingKey);
      if (target !== undefined) return target;
    }
  }
  const rules = flag.rules;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    if (allConditionsMatch(rule.conditions, context)) return serveResult(flag, rule.serve, context);
  }
  return serveResult(flag, flag.fallback, context);
}

/**
 * Evaluates one flag (docs/flags-format.md "Evaluation"). Never throws: a bad
 * context, a missing attribute or a broken definition is an answer with reason
 * ERROR and an error code.
 */
export function evaluate(snapshot: Snapshot, flagKey: string, context: unknown): EvaluationResult {
  const flag = snapshot.flagTable.get(flagKey);
  if (flag === undefined) return flagNotFound(String(flagKey));
  if (!isContextObject(context)) return flag.invalidContextResult;
  if (!flag.enabled) return flag.disabledResult;
  const prerequisites = flag.prerequisites;
  if (prerequisites !== null) {
    for (let i = 0; i < prerequisites.length; i++) {
      const p = prerequisites[i]!;
      if (!prerequisiteMet(snapshot, p.flagKey, p.variant, context)) return flag.prerequisiteFailedResult;
    }
  }
  return evaluateEnabled(flag, context);
}

/**
 * Evaluates several flags for one context: every flag of the snapshot in key
 * order, or the listed keys in the order given (unknown ones answer FLAG_NOT_FOUND).
 */
export function evaluateAll(snapshot: Snapshot, context: unknown, keys?: readonly string[]): EvaluationResult[] {
  const list = keys ?? snapshot.flagKeys();
  const results: EvaluationResult[] = new Array<EvaluationResult>(list.length);
  for (let i = 0; i < list.length; i++) results[i] = evaluate(snapshot, list[i]!, context);
  return results;
}
