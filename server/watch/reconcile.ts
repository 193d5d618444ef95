import { CoreError } from '../../core/errors.js';
import { recordedCommit } from '../../core/model/commit.js';
import type { Commit } from '../../core/model/schema-types.js';
import { loadRepository } from '../../core/repo/index.js';
import type { Diagnostic } from '../../core/validation/types.js';
import type { CommitRead } from '../../git/read-commit.js';
import { replaceTenantState } from '../features/state/replace-state.js';
import type { StateListener } from '../features/state/state-listener.js';
import type { WriteContext } from '../features/state/write-context.js';
import type { Stores } from '../stores.js';
import { tenantBlockedBy, tenantFolderOf } from './tenant-folder.js';

/**
 * What happened to one tenant folder:
 * - applied / unchanged: its files are now the stored state;
 * - invalid: an error in its files — its last good state keeps serving;
 * - blocked: a repository-wide error stopped every tenant;
 * - failed: its state could not be written (the database refused).
 */
export type TenantOutcome = 'applied' | 'unchanged' | 'invalid' | 'blocked' | 'failed';

export interface TenantResult {
  tenant: string;
  outcome: TenantOutcome;
  /** The tenant's revision after the reconcile (absent when nothing was written). */
  revision?: number;
  changes: number;
  /** Error diagnostics in its folder, plus the repository-wide ones. */
  errors: Diagnostic[];
  warnings: number;
  /** Why the write failed (outcome `failed`). */
  message?: string;
}

export interface ReconcileResult {
  at: string;
  commit: Commit | null;
  /** Errors no tenant folder owns: nothing was applied. */
  repositoryErrors: Diagnostic[];
  tenants: TenantResult[];
  /** Every diagnostic, errors and warnings, sorted by file and position. */
  diagnostics: Diagnostic[];
  /** Why the commit could not be read (the directory was applied without one). */
  gitProblem?: string;
}

export interface ReconcileDeps {
  stores: Stores;
  listener: StateListener;
  dir: string;
  /** git/read-commit.ts's readCommit (tests may pass another). */
  readCommit(dir: string): Promise<CommitRead>;
  now?: () => Date;
}

export const WATCH_ACTOR = 'watch';

/**
 * Makes the stored state of every valid tenant folder of `dir` equal to its
 * files, through the same path as `ff apply` and `seed` (replaceTenantState:
 * one revision and one audit row per change; the same files again change
 * nothing), deletes included and every resource marked as managed by Git.
 * Tenants are independent: an error in one tenant's files keeps THAT tenant's
 * last good state and applies the others; an error no tenant owns (an empty
 * or oversized directory, a file outside any tenant folder) applies nothing.
 * Tenants absent from the directory are left alone, as `seed` does.
 *
 * Source `git` with the commit when the directory is a Git checkout; `seed`
 * (actor `watch`) otherwise — a plain folder is exactly what `seed` loads,
 * and the stored sources are a closed set (api | git | seed).
 */
export async function reconcileDirectory(deps: ReconcileDeps): Promise<ReconcileResult> {
  const at = (deps.now?.() ?? new Date()).toISOString();
  let loaded;
  try {
    loaded = await loadRepository(deps.dir);
  } catch (err) {
    if (!(err instanceof CoreError)) throw err;
    const d: Diagnostic = { code: err.code, severity: 'error', message: err.message, file: deps.dir };
    return { at, commit: null, repositoryErrors: [d], tenants: [], diagnostics: [d] };
  }
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  const repositoryErrors = errors.filter((d) => tenantBlockedBy(deps.dir, d) === undefined);
  const folders = new Set<string>();
  for (const file of loaded.files) {
    const folder = tenantFolderOf(deps.dir, file);
    if (folder !== undefined) folders.add(folder);
  }
  for (const state of loaded.tenants) folders.add(state.tenant);
  const inFolder = (tenant: string, d: Diagnostic) => tenantFolderOf(deps.dir, d.file) === tenant;

  let commit: Commit | null = null;
  let gitProblem: string | undefined;
  try {
    // No repository or no commit yet: applied as seed files, without a commit.
    const read = await deps.readCommit(deps.dir);
    if (read.found === 'commit') commit = recordedCommit(read.commit);
  } catch (err) {
    gitProblem = err instanceof Error ? err.message : String(err);
  }
  const ctx: WriteContext = { actor: WATCH_ACTOR, source: commit ? 'git' : 'seed', requestId: null, commit, now: at };

  const tenants: TenantResult[] = [];
  for (const tenant of [...folders].sort()) {
    const own = errors.filter((d) => inFolder(tenant, d) && tenantBlockedBy(deps.dir, d) !== undefined);
    const warnings = loaded.diagnostics.filter((d) => d.severity === 'warning' && inFolder(tenant, d)).length;
    const result: TenantResult = { tenant, outcome: 'unchanged', changes: 0, errors: [...repositoryErrors, ...own], warnings };
    const state = loaded.tenants.find((t) => t.tenant === tenant);
    if (repositoryErrors.length > 0) result.outcome = 'blocked';
    else if (own.length > 0 || state === undefined) result.outcome = 'invalid';
    else {
      try {
        const written = await replaceTenantState(deps.stores, deps.listener, ctx, state, { allowDelete: true, managedBy: 'git' });
        result.outcome = written.changes.length > 0 ? 'applied' : 'unchanged';
        result.changes = written.changes.length;
        result.revision = written.revision;
      } catch (err) {
        result.outcome = 'failed';
        result.message = err instanceof Error ? err.message : String(err);
      }
    }
    tenants.push(result);
  }
  return { at, commit, repositoryErrors, tenants, diagnostics: loaded.diagnostics, ...(gitProblem ? { gitProblem } : {}) };
}
