import type { Diagnostic } from '../../core/validation/types.js';
import type { Commit } from '../../core/model/schema-types.js';
import type { ReconcileResult, TenantOutcome } from './reconcile.js';

const MAX_REPORTED_ERRORS = 50;

interface TenantRecord {
  lastAttempt: {
    at: string;
    outcome: TenantOutcome;
    commit: Commit | null;
    revision: number | null;
    changes: number;
    errors: Diagnostic[];
    warnings: number;
    message?: string;
  };
  lastSuccess: { at: string; commit: Commit | null; revision: number | null } | null;
  consecutiveFailures: number;
}

/** One tenant's view of watch mode (GET /v1/watch/status): never another tenant's files or errors. */
export interface WatchStatusView {
  enabled: boolean;
  directory?: string;
  /** ok: the files are the stored state; failed: the last good state is serving; pending: not reconciled yet; absent: no folder for this tenant. */
  state?: 'ok' | 'failed' | 'pending' | 'absent';
  last_attempt?: {
    at: string;
    outcome: TenantOutcome;
    commit: Commit | null;
    revision: number | null;
    changes: number;
    error_count: number;
    errors: Diagnostic[];
    warnings: number;
    message?: string;
  } | null;
  last_success?: { at: string; commit: Commit | null; revision: number | null } | null;
  consecutive_failures?: number;
}

const succeeded = (outcome: TenantOutcome) => outcome === 'applied' || outcome === 'unchanged';

/** Remembers what each reconcile did to each tenant. */
export class WatchStatus {
  private readonly tenants = new Map<string, TenantRecord>();
  private reconciled = false;

  constructor(private readonly directory: string | null) {}

  record(result: ReconcileResult): void {
    this.reconciled = true;
    const seen = new Set<string>();
    for (const t of result.tenants) {
      seen.add(t.tenant);
      this.update(t.tenant, {
        at: result.at,
        outcome: t.outcome,
        commit: result.commit,
        revision: t.revision ?? null,
        changes: t.changes,
        errors: t.errors,
        warnings: t.warnings,
        ...(t.message === undefined ? {} : { message: t.message }),
      });
    }
    // A repository-wide failure (e.g. the directory vanished) blocks tenants it could not even list.
    if (result.repositoryErrors.length > 0) {
      for (const tenant of this.tenants.keys()) {
        if (seen.has(tenant)) continue;
        this.update(tenant, { at: result.at, outcome: 'blocked', commit: result.commit, revision: null, changes: 0, errors: result.repositoryErrors, warnings: 0 });
      }
    }
  }

  view(tenant: string): WatchStatusView {
    if (this.directory === null) return { enabled: false };
    const record = this.tenants.get(tenant);
    const base = { enabled: true, directory: this.directory };
    if (record === undefined) return { ...base, state: this.reconciled ? 'absent' : 'pending', last_attempt: null, last_success: null, consecutive_failures: 0 };
    const { errors, ...attempt } = record.lastAttempt;
    return {
      ...base,
      state: succeeded(attempt.outcome) ? 'ok' : 'failed',
      last_attempt: { ...attempt, error_count: errors.length, errors: errors.slice(0, MAX_REPORTED_ERRORS) },
      last_success: record.lastSuccess,
      consecutive_failures: record.consecutiveFailures,
    };
  }

  private update(tenant: string, attempt: TenantRecord['lastAttempt']): void {
    const previous = this.tenants.get(tenant);
    const ok = succeeded(attempt.outcome);
    this.tenants.set(tenant, {
      lastAttempt: attempt,
      lastSuccess: ok ? { at: attempt.at, commit: attempt.commit, revision: attempt.revision } : (previous?.lastSuccess ?? null),
      consecutiveFailures: ok ? 0 : (previous?.consecutiveFailures ?? 0) + 1,
    });
  }
}
