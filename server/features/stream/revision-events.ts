import type { Flag, TenantState } from '../../../core/model/index.js';
import type { RevisionRecord } from '../state/revision-store.js';

/** One new revision of one tenant's environment: what `GET /v1/stream` sends. */
export interface RevisionEvent {
  tenant: string;
  environment: string;
  revision: number;
  /** Flag keys whose evaluation in this environment the revision may have changed, sorted. */
  changed: string[];
  /** ISO-8601 time of the revision's commit. */
  ts: string;
}

const usesSegment = (flag: Flag, environment: string, segment: string): boolean =>
  (flag.environments?.[environment]?.rules ?? []).some((rule) => (rule.conditions ?? []).some((c) => c.segment === segment));

/**
 * Turns revision records (from the revisions table, identical in every
 * process) into one event per revision and environment it touched, oldest
 * first. `changed` is computed against `state`, the newest state this process
 * holds: a flag edit names itself; a segment edit names the flags whose rules
 * use the segment in that environment; an environment created, edited or
 * removed names every flag (anything in it may answer differently).
 */
export function revisionEvents(records: readonly RevisionRecord[], state: TenantState, only: string | null = null): RevisionEvent[] {
  const events: RevisionEvent[] = [];
  for (const record of records) {
    const byEnvironment = new Map<string, Set<string>>();
    for (const change of record.changes) {
      for (const environment of change.environments) {
        if (only !== null && environment !== only) continue;
        let keys = byEnvironment.get(environment);
        if (keys === undefined) byEnvironment.set(environment, (keys = new Set()));
        if (change.resource === 'flag') keys.add(change.key);
        else if (change.resource === 'segment') {
          for (const flag of state.flags) if (usesSegment(flag, environment, change.key)) keys.add(flag.key);
        } else if (change.resource === 'experiment') {
          // An experiment changes no answer: the event only says the configuration moved.
        } else for (const flag of state.flags) keys.add(flag.key);
      }
    }
    for (const environment of [...byEnvironment.keys()].sort()) {
      const changed = [...(byEnvironment.get(environment) ?? [])].sort();
      events.push({ tenant: record.tenant, environment, revision: record.revision, changed, ts: record.ts });
    }
  }
  return events;
}
