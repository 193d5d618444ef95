// The timeline of a flag's progressive rollouts: every scheduled serve, its
// steps in time order with the share of each variant. Pure data for the plan
// renderers; the same time reading (core/engine/iso-date.ts) and shares
// (normalized weights) as the engine.
import { normalizeRollout } from '../engine/bucketing.js';
import { parseIsoDate } from '../engine/iso-date.js';
import type { Flag, ScheduleStep, Serve } from '../model/index.js';

export interface TimelineStep {
  /** Epoch milliseconds; NaN when the start does not parse (the validator reports it). */
  at: number;
  /** As written. */
  text: string;
  /** Variant name to share of users in [0, 1]; one entry at 1 for a fixed variant. */
  shares: Record<string, number>;
}

export interface Timeline {
  flag: string;
  environment: string;
  /** The rule's id, or undefined for the environment's default. */
  ruleId: string | undefined;
  /** Served before the first step. */
  before: string;
  steps: TimelineStep[];
}

function shares(step: ScheduleStep): Record<string, number> {
  if (step.variant !== undefined) return { [step.variant]: 1 };
  const weights: Record<string, number> = {};
  for (const [name, weight] of Object.entries(step.rollout ?? {})) weights[name] = weight ?? 0;
  const rollout = normalizeRollout(weights);
  const out: Record<string, number> = {};
  rollout.variants.forEach((name, i) => {
    out[name] = rollout.total > 0 ? (rollout.weights[i] ?? 0) / rollout.total : 0;
  });
  return out;
}

function timelineOf(flag: Flag, environment: string, ruleId: string | undefined, serve: Serve | undefined, off: string): Timeline | undefined {
  if (serve?.schedule === undefined) return undefined;
  return {
    flag: flag.key,
    environment,
    ruleId,
    before: off,
    steps: serve.schedule.map((step) => ({ at: parseIsoDate(step.at), text: step.at, shares: shares(step) })),
  };
}

/** Every schedule of the flag, environment by environment (in the flag's order), rules before the default. */
export function flagTimelines(flag: Flag): Timeline[] {
  const out: Timeline[] = [];
  for (const [environment, config] of Object.entries(flag.environments ?? {})) {
    if (config === undefined) continue;
    const off = config.offVariant ?? flag.offVariant;
    for (const rule of config.rules ?? []) {
      const t = timelineOf(flag, environment, rule.id, rule.serve, off);
      if (t) out.push(t);
    }
    const t = timelineOf(flag, environment, undefined, config.default, off);
    if (t) out.push(t);
  }
  return out;
}

/** The index of the step in force at `now` (-1 before the first), as the engine resolves it. */
export function stepAt(timeline: Timeline, now: number): number {
  let chosen = -1;
  timeline.steps.forEach((step, i) => {
    if (step.at <= now && (chosen === -1 || step.at >= timeline.steps[chosen]!.at)) chosen = i;
  });
  return chosen;
}
