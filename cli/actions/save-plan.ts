import { CliError } from '../errors.js';
import { messages } from '../messages.js';
import { toSavedPlan, type SavedPlan } from '../plan-file/saved-plan.js';
import type { PlanOutcome } from './remote-plan.js';

export interface SavePlanInput {
  outcome: Extract<PlanOutcome, { ok: true }>;
  environments: string[] | null;
  server: string;
  /** The flags directory planned: its Git commit is what the plan was made from. */
  dir: string;
}

/**
 * `ff plan --out`: the plan with everything its apply needs, so a reviewed
 * plan can be applied later, elsewhere, without the files. The commit is
 * read (and must exist) now: a saved plan always says what it was made from.
 */
export async function savePlan(input: SavePlanInput): Promise<SavedPlan> {
  const { flagsCommit } = await import('../git/flags-commit.js');
  const { commit } = await flagsCommit(input.dir);
  const { plan: computed, desired } = input.outcome;
  const filesHash = input.outcome.filesHash();
  if (computed.plan_hash === undefined) throw new CliError('SERVER_ERROR', messages.planVersionUnknown(input.server, 'without plan_hash'));
  const plan = { ...computed, files_hash: filesHash, commit };
  return toSavedPlan({
    tenant: desired.tenant,
    environments: input.environments,
    server: input.server,
    base_revision: plan.base_revision,
    plan_hash: computed.plan_hash,
    files_hash: filesHash,
    commit,
    state: desired,
    plan,
  });
}
