import type { Commit } from '../../../core/model/schema-types.js';
import type { ChangeSource } from './revision-store.js';

/** Who is writing, from where, and when: stamped on rows, revisions and audit. */
export interface WriteContext {
  actor: string;
  source: ChangeSource;
  requestId: string | null;
  commit: Commit | null;
  /** ISO-8601 time of the write; one value for the whole transaction. */
  now: string;
  /** Why, when the writer said (a REST write's X-Change-Reason header); recorded on its audit rows. */
  reason?: string | null;
}
