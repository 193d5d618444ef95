import { loadRepository } from '../core/repo/index.js';
import { hasErrors, type Diagnostic } from '../core/validation/index.js';
import { replaceTenantState } from './features/state/replace-state.js';
import type { StateListener } from './features/state/state-listener.js';
import type { Stores } from './stores.js';

export class SeedError extends Error {
  override readonly name = 'SeedError';
  constructor(
    message: string,
    readonly diagnostics: readonly Diagnostic[],
  ) {
    super(message);
  }
}

export interface SeedReport {
  dir: string;
  tenants: { tenant: string; revision: number; changes: number }[];
}

/**
 * Loads a flags repository and makes each of its tenants' stored state equal
 * to the files (creates, updates, restores and deletes), through the same
 * replaceTenantState path as apply, audited with source `seed`. Tenants not
 * in the folder are left alone. An invalid repository changes nothing.
 */
export async function seedFromDirectory(stores: Stores, listener: StateListener, dir: string, now = new Date()): Promise<SeedReport> {
  const loaded = await loadRepository(dir);
  if (hasErrors(loaded.diagnostics)) {
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
    throw new SeedError(`${dir}: ${errors.length} validation error(s); nothing was loaded`, errors);
  }
  const ctx = { actor: 'seed', source: 'seed' as const, requestId: null, commit: null, now: now.toISOString() };
  // One transaction for the whole folder: a failure in one tenant loads none.
  const results = await stores.transaction(async () => {
    const written = [];
    for (const state of loaded.tenants) written.push(await replaceTenantState(stores, listener, ctx, state, { allowDelete: true }));
    return written;
  });
  return { dir, tenants: results.map((r) => ({ tenant: r.tenant, revision: r.revision, changes: r.changes.length })) };
}

export const formatDiagnostic = (d: Diagnostic): string =>
  `${d.file ?? ''}${d.line !== undefined ? `:${d.line}:${d.column ?? 1}` : ''} ${d.severity} ${d.code}: ${d.message}`;
