// An experiment must sit on a real split: its flag exists and serves a
// percentage rollout (the experiment's rule, or the default) in its
// environment, every compared variant has a positive weight there, and the
// experiment's unit is what that rollout buckets by — otherwise exposures
// and metric events would name different things.
import { DEFAULT_UNIT, experimentWindow, findAllocation, isAllocation } from '../../experiments/allocation.js';
import type { Experiment, Flag } from '../../model/index.js';
import { pointer } from '../../yaml/pointer.js';
import { closest as suggest } from '../suggest.js';
import type { Findings, Located } from './model.js';

export interface ExperimentScope {
  flags: ReadonlyMap<string, Flag>;
  /** Declared environments; undefined when unknown. */
  environmentKeys: ReadonlySet<string> | undefined;
}

export function checkExperiments<O>(experiments: readonly Located<Experiment, O>[], scope: ExperimentScope, findings: Findings<O>): void {
  const windows: { located: Located<Experiment, O>; start: number; stop: number }[] = [];
  for (const located of experiments) {
    const window = checkExperiment(located, scope, findings);
    if (window) windows.push({ located, ...window });
  }
  // Two experiments on one rollout would each claim the same exposures.
  for (let i = 0; i < windows.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = windows[i]!;
      const b = windows[j]!;
      const ea = a.located.value;
      const eb = b.located.value;
      if (ea.flag !== eb.flag || ea.environment !== eb.environment || ea.rule !== eb.rule) continue;
      if (a.start < b.stop && b.start < a.stop) {
        findings.add(
          a.located.origin,
          pointer(a.located.pointer, 'key'),
          'EXPERIMENT_OVERLAP',
          `experiments "${ea.key}" and "${eb.key}" run on the same rollout of flag "${ea.flag}" in ${ea.environment} at overlapping times (${findings.describe(b.located.origin, pointer(b.located.pointer, 'key'))})`,
        );
      }
    }
  }
}

function checkExperiment<O>(located: Located<Experiment, O>, scope: ExperimentScope, findings: Findings<O>): { start: number; stop: number } | undefined {
  const { value: e, pointer: at, origin } = located;
  const { start, stop } = experimentWindow(e);
  let timesOk = true;
  if (Number.isNaN(start)) {
    findings.add(origin, pointer(at, 'start'), 'EXPERIMENT_TIME_INVALID', `start "${e.start}" is not an ISO-8601 date or date-time with an offset`);
    timesOk = false;
  }
  if (Number.isNaN(stop)) {
    findings.add(origin, pointer(at, 'stop'), 'EXPERIMENT_TIME_INVALID', `stop "${e.stop}" is not an ISO-8601 date or date-time with an offset`);
    timesOk = false;
  } else if (timesOk && stop <= start) {
    findings.add(origin, pointer(at, 'stop'), 'EXPERIMENT_TIME_INVALID', `stop ${e.stop} is not after start ${e.start}`);
    timesOk = false;
  }
  if (scope.environmentKeys !== undefined && !scope.environmentKeys.has(e.environment)) {
    const guess = suggest(e.environment, [...scope.environmentKeys]);
    findings.add(origin, pointer(at, 'environment'), 'EXPERIMENT_ENVIRONMENT_UNKNOWN', `unknown environment "${e.environment}"${guess ? ` (did you mean "${guess}"?)` : ''}`);
    return undefined;
  }
  const flag = scope.flags.get(e.flag);
  if (flag === undefined) {
    const guess = suggest(e.flag, [...scope.flags.keys()]);
    findings.add(origin, pointer(at, 'flag'), 'EXPERIMENT_FLAG_UNKNOWN', `unknown flag "${e.flag}"${guess ? ` (did you mean "${guess}"?)` : ''}`);
    return undefined;
  }
  const allocation = findAllocation(flag, e);
  if (!isAllocation(allocation)) {
    const message =
      allocation.code === 'NO_ENVIRONMENT'
        ? `flag "${e.flag}" is not configured in ${e.environment}: it serves no split there`
        : allocation.code === 'RULE_UNKNOWN'
          ? `flag "${e.flag}" has no rule "${allocation.rule}" in ${e.environment}`
          : allocation.code === 'SCHEDULED'
            ? `${allocation.where} of flag "${e.flag}" in ${e.environment} is a schedule: its allocation changes with no revision, so it cannot be experimented on`
            : `${allocation.where} of flag "${e.flag}" in ${e.environment} serves a fixed variant, not a percentage rollout`;
    findings.add(origin, pointer(at, e.rule !== undefined ? 'rule' : 'flag'), 'EXPERIMENT_NOT_A_SPLIT', message);
    return undefined;
  }
  e.variants.forEach((variant, index) => {
    if (!(variant in flag.variants)) {
      findings.add(origin, pointer(at, 'variants', index), 'EXPERIMENT_VARIANT_UNKNOWN', `flag "${e.flag}" has no variant "${variant}"`);
    } else if (!((allocation.weights[variant] ?? 0) > 0)) {
      findings.add(origin, pointer(at, 'variants', index), 'EXPERIMENT_VARIANT_UNKNOWN', `variant "${variant}" has no positive weight in the rollout of flag "${e.flag}" in ${e.environment}: no unit could be exposed to it`);
    }
  });
  const unit = e.unit ?? DEFAULT_UNIT;
  if (unit !== allocation.bucketBy) {
    findings.add(
      origin,
      pointer(at, e.unit === undefined ? 'key' : 'unit'),
      'EXPERIMENT_UNIT_MISMATCH',
      `the experiment's unit is "${unit}" but the rollout buckets by "${allocation.bucketBy}": set unit: ${allocation.bucketBy}`,
    );
  }
  return timesOk ? { start, stop } : undefined;
}
