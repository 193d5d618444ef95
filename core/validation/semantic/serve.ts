// What a rule or a default serves: exactly one of a variant or a rollout,
// naming only declared variants, with weights that are not all zero.
import { normalizeRollout } from '../../engine/bucketing.js';
import { parseIsoDate } from '../../engine/iso-date.js';
import type { ScheduleStep, Serve } from '../../model/index.js';
import { pointer } from '../../yaml/pointer.js';
import { closest } from '../suggest.js';
import type { Findings } from './model.js';

export function unknownVariantMessage(name: string, variants: ReadonlySet<string>): string {
  const guess = closest(name, [...variants]);
  const hint = guess !== undefined ? ` (did you mean "${guess}"?)` : `; variants: ${[...variants].join(', ')}`;
  return `unknown variant "${name}"${hint}`;
}

export function checkServe<O>(serve: Serve, at: string, origin: O, variants: ReadonlySet<string>, findings: Findings<O>): void {
  const hasVariant = serve.variant !== undefined;
  const hasRollout = serve.rollout !== undefined;
  const hasSchedule = serve.schedule !== undefined;
  if (Number(hasVariant) + Number(hasRollout) + Number(hasSchedule) > 1) {
    findings.add(origin, at, 'SERVE_VARIANT_AND_ROLLOUT', 'serve one of a variant, a rollout or a schedule, not several');
  } else if (!hasVariant && !hasRollout && !hasSchedule) {
    findings.add(origin, at, 'SERVE_NOTHING', 'serve needs a variant, a rollout or a schedule');
  }
  if (serve.schedule !== undefined) checkSchedule(serve.schedule, pointer(at, 'schedule'), origin, variants, findings);
  if (hasVariant && !variants.has(serve.variant as string)) {
    findings.add(origin, pointer(at, 'variant'), 'VARIANT_UNKNOWN', unknownVariantMessage(serve.variant as string, variants));
  }
  if (serve.rollout !== undefined) {
    let total = 0;
    for (const [name, weight] of Object.entries(serve.rollout)) {
      if (!variants.has(name)) {
        findings.add(origin, pointer(at, 'rollout', name), 'VARIANT_UNKNOWN', unknownVariantMessage(name, variants), 'key');
      }
      total += weight ?? 0;
    }
    if (total <= 0) {
      findings.add(origin, pointer(at, 'rollout'), 'ROLLOUT_ALL_ZERO', 'rollout weights are all zero: give at least one variant a positive weight');
    }
  }
  if (serve.bucketBy !== undefined && !hasRollout && !hasSchedule) {
    findings.add(origin, pointer(at, 'bucketBy'), 'SERVE_BUCKET_BY_IGNORED', 'bucketBy only applies to a rollout', 'key');
  }
}

/** Each variant's range of [0, 1) at a step (docs/bucketing.md): a fixed variant holds all of it. */
function stepRanges(step: ScheduleStep): Map<string, [number, number]> {
  const ranges = new Map<string, [number, number]>();
  if (step.variant !== undefined) {
    ranges.set(step.variant, [0, 1]);
    return ranges;
  }
  const weights: Record<string, number> = {};
  for (const [name, weight] of Object.entries(step.rollout ?? {})) weights[name] = weight ?? 0;
  const rollout = normalizeRollout(weights);
  let from = 0;
  rollout.variants.forEach((name, i) => {
    const to = rollout.thresholds[i] ?? from;
    if (to > from) ranges.set(name, [from, to]);
    from = to;
  });
  return ranges;
}

/**
 * A schedule's steps: valid start times in ascending order, each a valid serve;
 * and monotonic: a variant whose share does not shrink from one step to the
 * next keeps every user it had (its range only grows), so nobody flips back and forth.
 */
function checkSchedule<O>(steps: readonly ScheduleStep[], at: string, origin: O, variants: ReadonlySet<string>, findings: Findings<O>): void {
  let previous = -Infinity;
  steps.forEach((step, index) => {
    const stepAt = pointer(at, index);
    const time = parseIsoDate(step.at);
    if (Number.isNaN(time)) {
      findings.add(origin, pointer(stepAt, 'at'), 'SCHEDULE_TIME_INVALID', `step start "${step.at}" is not an ISO-8601 date (2026-12-07) or date-time with an offset (2026-12-07T09:00:00Z)`);
    } else if (time <= previous) {
      findings.add(origin, pointer(stepAt, 'at'), 'SCHEDULE_NOT_ASCENDING', `step ${index + 1} starts at ${step.at}, not after step ${index}: list steps in time order`);
    } else previous = time;
    checkServe({ ...(step.variant === undefined ? {} : { variant: step.variant }), ...(step.rollout === undefined ? {} : { rollout: step.rollout }) }, stepAt, origin, variants, findings);
  });
  for (let i = 1; i < steps.length; i++) {
    const before = stepRanges(steps[i - 1]!);
    const after = stepRanges(steps[i]!);
    for (const [name, [from, to]] of before) {
      const next = after.get(name);
      if (next === undefined || next[1] - next[0] < to - from) continue; // shrinking or ending: users leave by design
      if (next[0] > from || next[1] < to) {
        findings.add(
          origin,
          pointer(at, i),
          'SCHEDULE_NOT_MONOTONIC',
          `variant "${name}" grows at step ${i + 1} but its bucket range moves, so some users who had it lose it: change only the weights of the first and last variants (in name order), or keep two variants`,
        );
        break;
      }
    }
  }
}
