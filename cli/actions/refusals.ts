import { CliError } from '../errors.js';
import type { StalePlanDetail } from '../http/api-types.js';
import { ServerRefusal } from '../http/server-refusal.js';
import { plain, type Palette } from '../io/colors.js';
import { messages } from '../messages.js';
import { inUseOfDetails, renderDeletions, renderInUse, renderStaleDetail, renderStateProblems } from '../render/refusal-detail.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The current revision a 409 STALE_PLAN reports, if it does. */
export function staleDetail(error: ServerRefusal): StalePlanDetail | undefined {
  const first = error.details[0];
  return isObject(first) && Number.isInteger(first.current_revision) ? (first as unknown as StalePlanDetail) : undefined;
}

/**
 * An apply refusal the user acts on, in their terms: re-plan (STALE_PLAN),
 * --allow-delete (DELETES_NOT_ALLOWED), --allow-delete-in-use (DELETES_IN_USE), or fix the files (INVALID_STATE),
 * with the server's details printed above the one-line error.
 */
export function explainRefusal(error: unknown, baseRevision: number, colors: Palette = plain): unknown {
  if (!(error instanceof ServerRefusal)) return error;
  switch (error.apiCode) {
    case 'STALE_PLAN': {
      const detail = staleDetail(error);
      const current = detail?.current_revision ?? Number.NaN;
      if (current === baseRevision) return new CliError('STALE_PLAN', messages.planChanged(baseRevision));
      return new CliError('STALE_PLAN', messages.stalePlan(baseRevision, current), renderStaleDetail(detail?.since ?? [], colors) || undefined);
    }
    case 'DELETES_NOT_ALLOWED':
      return new CliError('DELETES_NOT_ALLOWED', messages.deletesNotAllowed(error.details.length), renderDeletions(error.details, colors) || undefined);
    case 'DELETES_IN_USE': {
      const inUse = inUseOfDetails(error.details);
      return new CliError('DELETES_IN_USE', messages.deletesInUse(inUse.length), inUse.length > 0 ? renderInUse(inUse, colors) : undefined);
    }
    case 'INVALID_STATE':
    case 'SEMANTIC_VALIDATION_FAILED':
    case 'SCHEMA_VALIDATION_FAILED':
      return new CliError('INVALID_STATE', messages.invalidState(error.details.length), renderStateProblems(error.details, colors) || undefined);
    default:
      return error;
  }
}
