import { readFile, stat } from 'node:fs/promises';
import type { TenantState } from '../../core/model/index.js';
import type { Commit, Plan } from '../../core/model/schema-types.js';
import { CliError } from '../errors.js';
import type { ApplyResponse } from '../http/api-types.js';
import type { ApiClient } from '../http/client.js';
import { messages } from '../messages.js';
import { parseSavedPlan, type SavedPlan } from '../plan-file/saved-plan.js';
import { loadDesiredState } from './desired-state.js';
import { postApply, postPlan } from './remote-plan.js';
import type { ValidationReport } from './validate.js';

export interface ApplyOptions {
  /** The positional argument: a flags directory, or a plan saved by `ff plan --out`. */
  target: string | undefined;
  /** --plan FILE (then `target`, if given, is the directory whose files must match it). */
  planFile: string | undefined;
  tenant: string | undefined;
  environments: string[] | null;
  allowDirty: boolean;
  client: ApiClient;
}

/** Everything an apply sends, gathered and checked before anything is sent. */
export interface PreparedApply {
  tenant: string;
  /** The flags directory read, if any (a saved plan applied on its own reads none). */
  dir: string | undefined;
  environments: string[] | null;
  desired: TenantState;
  /** The commit recorded with the apply. */
  commit: Commit;
  /** Uncommitted paths that made the commit dirty (empty when unknown: a saved plan's). */
  dirtyPaths: string[];
  saved?: SavedPlan;
}

export type PrepareOutcome = { ok: true; apply: PreparedApply } | { ok: false; dir: string; report: ValidationReport };

async function readSavedPlan(file: string): Promise<SavedPlan> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError('PLAN_FILE_INVALID', messages.planFileInvalid(file, (error as NodeJS.ErrnoException).code ?? String(error)));
  }
  return parseSavedPlan(text, file);
}

/** `ff apply X`: X is a saved plan when it is a file, a flags directory otherwise. */
async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Checks, in order, everything that can refuse an apply without the server:
 * the saved plan (format, tenant, server), the files (valid, and with a saved
 * plan the same hash as it), the Git commit (exists, clean unless allowed).
 * A saved plan applied on its own reads no files: it carries the desired state
 * and the commit it was planned from, so it applies from any directory.
 */
export async function prepareApply(options: ApplyOptions): Promise<PrepareOutcome> {
  let planFile = options.planFile;
  let dir = options.target;
  if (planFile === undefined && dir !== undefined && (await isFile(dir))) [planFile, dir] = [dir, undefined];
  const saved = planFile === undefined ? undefined : await readSavedPlan(planFile);
  if (saved && options.tenant !== undefined && options.tenant !== saved.tenant) {
    throw new CliError('PLAN_FILE_INVALID', messages.planTenantMismatch(planFile!, saved.tenant, options.tenant));
  }
  if (saved && saved.server !== options.client.server) {
    throw new CliError('PLAN_FILE_INVALID', messages.planServerMismatch(planFile!, saved.server, options.client.server));
  }
  const tenant = saved?.tenant ?? options.tenant;
  if (tenant === undefined) throw new CliError('USAGE', messages.tenantRequired);
  const environments = saved ? saved.environments : options.environments;

  if (saved && dir === undefined) {
    if (saved.commit.dirty && !options.allowDirty) throw new CliError('DIRTY_TREE', messages.savedPlanDirty(planFile!));
    return { ok: true, apply: { tenant, dir, environments, desired: saved.state, commit: saved.commit, dirtyPaths: [], saved } };
  }
  const flagsDir = dir ?? 'flags';
  const desired = await loadDesiredState(flagsDir, tenant, environments);
  if (!desired.ok) return { ok: false, dir: flagsDir, report: desired.report };
  if (saved && saved.files_hash !== desired.filesHash()) {
    throw new CliError('PLAN_FILES_CHANGED', messages.planFilesChanged(planFile!, flagsDir));
  }
  const { flagsCommit } = await import('../git/flags-commit.js');
  const { commit, dirtyPaths } = await flagsCommit(flagsDir);
  if (commit.dirty && !options.allowDirty) {
    const listed = dirtyPaths.slice(0, 20).map((p) => `  ${p}`);
    if (dirtyPaths.length > 20) listed.push(`  … and ${dirtyPaths.length - 20} more`);
    throw new CliError('DIRTY_TREE', messages.dirtyTree(flagsDir, dirtyPaths.length), `${listed.join('\n')}\n`);
  }
  return {
    ok: true,
    apply: {
      tenant,
      dir: flagsDir,
      environments,
      desired: desired.state,
      commit,
      dirtyPaths,
      ...(saved ? { saved } : {}),
    },
  };
}

/**
 * The plan this apply will perform: the saved one, or one the server computes
 * now. Either way the apply sends its base revision and plan_hash, so what
 * was shown (or reviewed) is exactly what is applied, or nothing is.
 */
export async function planFor(client: ApiClient, apply: PreparedApply): Promise<Plan> {
  if (apply.saved) return apply.saved.plan;
  return postPlan(client, { tenant: apply.tenant, state: apply.desired, environments: apply.environments });
}

export interface DeleteAllowance {
  /** --allow-delete */
  allowDelete: boolean;
  /** --allow-delete-in-use */
  allowInUse: boolean;
}

export async function executeApply(client: ApiClient, apply: PreparedApply, plan: Plan, allow: DeleteAllowance): Promise<ApplyResponse> {
  if (plan.plan_hash === undefined) throw new CliError('SERVER_ERROR', messages.planVersionUnknown(client.server, 'without plan_hash'));
  return postApply(client, {
    tenant: apply.tenant,
    state: apply.desired,
    environments: apply.environments,
    baseRevision: plan.base_revision,
    planHash: plan.plan_hash,
    allowDelete: allow.allowDelete,
    allowInUse: allow.allowInUse,
    commit: apply.commit,
  });
}
