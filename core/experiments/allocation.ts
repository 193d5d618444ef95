// Where an experiment's randomization happens: the rollout of the flag (in
// the experiment's environment) that its `rule` names, or the environment's
// default. Shared by validation (does it exist?), the server's exposure
// observer and the SDK (which evaluations are exposures?) and the results
// (what split is expected, for the sample-ratio check).
import { parseIsoDate } from '../engine/iso-date.js';
import type { Experiment, Flag } from '../model/index.js';

export interface Allocation {
  /** The rule whose rollout randomizes; undefined: the environment's default. */
  ruleId: string | undefined;
  /** The attribute the rollout buckets by. */
  bucketBy: string;
  /** Weight per variant of the rollout (every variant of it, compared or not). */
  weights: Record<string, number>;
}

export type AllocationProblem =
  | { code: 'NO_ENVIRONMENT' }
  | { code: 'RULE_UNKNOWN'; rule: string }
  | { code: 'NOT_A_ROLLOUT'; where: string }
  | { code: 'SCHEDULED'; where: string };

export const DEFAULT_UNIT = 'targetingKey';
export const DEFAULT_MDE = 0.05;

/** The experiment's allocation in its flag, or why there is none. */
export function findAllocation(flag: Flag, experiment: Pick<Experiment, 'environment' | 'rule'>): Allocation | AllocationProblem {
  const config = flag.environments?.[experiment.environment];
  if (config === undefined) return { code: 'NO_ENVIRONMENT' };
  let serve;
  let where: string;
  if (experiment.rule !== undefined) {
    const rule = config.rules?.find((r) => r.id === experiment.rule);
    if (rule === undefined) return { code: 'RULE_UNKNOWN', rule: experiment.rule };
    serve = rule.serve;
    where = `rule "${experiment.rule}"`;
  } else {
    serve = config.default;
    where = 'the default';
  }
  if (serve?.schedule !== undefined) return { code: 'SCHEDULED', where };
  if (serve?.rollout === undefined) return { code: 'NOT_A_ROLLOUT', where };
  const weights: Record<string, number> = {};
  for (const [name, w] of Object.entries(serve.rollout)) if (typeof w === 'number') weights[name] = w;
  return { ruleId: experiment.rule, bucketBy: serve.bucketBy ?? DEFAULT_UNIT, weights };
}

export const isAllocation = (a: Allocation | AllocationProblem): a is Allocation => !('code' in a);

/** Start and stop as epoch milliseconds (stop Infinity when open); NaN when a time does not parse. */
export function experimentWindow(experiment: Pick<Experiment, 'start' | 'stop'>): { start: number; stop: number } {
  return { start: parseIsoDate(experiment.start), stop: experiment.stop === undefined ? Infinity : parseIsoDate(experiment.stop) };
}

/** Running at `at` (epoch ms): started, not stopped. */
export function isRunning(experiment: Pick<Experiment, 'start' | 'stop'>, at: number): boolean {
  const { start, stop } = experimentWindow(experiment);
  return at >= start && at < stop;
}
