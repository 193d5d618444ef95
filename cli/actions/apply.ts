import { readFile } from 'node:fs/promises';
import type { TenantState } from '../../core/model/index.js';
import type { Plan } from '../../core/model/schema-types.js';
import { CliError } from '../errors.js';
import type { CommitInfo } from '../git/read-commit.js';
import type { ApplyResponse } from '../http/api-types.js';
import type { ApiClient } from '../http/client.js';
import { messages } from '../messages.js';
import { parseSavedPlan, type SavedPlan } from '../plan-file/saved-plan.js';
import { loadDesiredState } from './desired-state.js';
import { fetchState, postApply } from './remote-plan.js';
import type { ValidationReport } from './validate.js';

export interface ApplyOptions {
  /** The flags directory; with a saved plan, defaults to the one it was planned from. */
  dir: string | undefined;
  planFile: string | undefined;
  tenant: string | undefined;
  environments: string[] | null;
  allowDirty: boolean;
  client: ApiClient;
}

/** Everything an apply sends, gathered and checked before anything is sent. */
export interface PreparedApply {
  tenant: string;
  dir: string;
  environments: string[] | null;
  desired: TenantState;
  filesHash: string;
  commit: CommitInfo;
  baseRevision: number;
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

/**
 * Checks, in order, everything that can refuse an apply without the server:
 * the saved plan (format, tenant, server), the files (valid, same hash as the
 * saved plan), the Git commit (exists, clean unless allowed). Then reads the
 * base revision: the saved plan's, or the server's current one.
 */
export async function prepareApply(options: ApplyOptions): Promise<PrepareOutcome> {
  const saved = options.planFile === undefined ? undefined : await readSavedPlan(options.planFile);
  if (saved && options.tenant !== undefined && options.tenant !== saved.tenant) {
    throw new CliError('PLAN_FILE_INVALID', messages.planTenantMismatch(options.planFile!, saved.tenant, options.tenant));
  }
  if (saved && saved.server !== options.client.server) {
    throw new CliError('PLAN_FILE_INVALID', messages.planServerMismatch(options.planFile!, saved.server, options.client.server));
  }
  const tenant = saved?.tenant ?? options.tenant;
  if (tenant === undefined) throw new CliError('USAGE', messages.tenantRequired);
  const dir = options.dir ?? saved?.dir ?? 'flags';
  const environments = saved ? saved.environments : options.environments;

  const desired = await loadDesiredState(dir, tenant, environments);
  if (!desired.ok) return { ok: false, dir, report: desired.report };
  if (saved && saved.files_hash !== desired.filesHash) {
    throw new CliError('PLAN_FILES_CHANGED', messages.planFilesChanged(options.planFile!, dir));
  }
  const { readCommit } = await import('../git/read-commit.js');
  const commit = await readCommit(dir);
  if (commit.dirty && !options.allowDirty) {
    const listed = commit.dirtyPaths.slice(0, 20).map((p) => `  ${p}`);
    if (commit.dirtyPaths.length > 20) listed.push(`  … and ${commit.dirtyPaths.length - 20} more`);
    throw new CliError('DIRTY_TREE', messages.dirtyTree(dir, commit.dirtyPaths.length), `${listed.join('\n')}\n`);
  }
  const baseRevision = saved?.base_revision ?? (await fetchState(options.client, tenant)).revision;
  return {
    ok: true,
    apply: { tenant, dir, environments, desired: desired.state, filesHash: desired.filesHash, commit, baseRevision, ...(saved ? { saved } : {}) },
  };
}

/** What the apply would do, as the server computes it, writing nothing. */
export async function previewApply(client: ApiClient, apply: PreparedApply, allowDelete: boolean): Promise<Plan> {
  const response = await postApply(client, {
    tenant: apply.tenant,
    state: apply.desired,
    environments: apply.environments,
    baseRevision: apply.baseRevision,
    dryRun: true,
    allowDelete,
  });
  return response.plan;
}

export async function executeApply(client: ApiClient, apply: PreparedApply, allowDelete: boolean): Promise<ApplyResponse> {
  const { toWireCommit } = await import('../git/read-commit.js');
  return postApply(client, {
    tenant: apply.tenant,
    state: apply.desired,
    environments: apply.environments,
    baseRevision: apply.baseRevision,
    dryRun: false,
    allowDelete,
    commit: toWireCommit(apply.commit),
  });
}
