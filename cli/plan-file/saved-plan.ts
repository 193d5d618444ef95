// The saved-plan file (`ff plan --out FILE`, `ff apply --plan FILE`), format
// version 1. A JSON document:
//
//   { "format": "ff-saved-plan", "version": 1,
//     "tenant": "acme", "environments": null | ["production"],
//     "dir": "flags", "server": "https://ff.example.com",
//     "base_revision": 41, "files_hash": "sha256:…", "plan": { …schemas/plan.schema.json… } }
//
// `files_hash` is contentHash() of the tenant's desired state as loaded from
// `dir` (core/diff: canonical JSON, so formatting and key order do not count);
// apply refuses when the files no longer hash to it. `base_revision` is the
// server revision the plan was computed against; apply sends it, and the
// server refuses a stale one. Fields are only ever added within a version.
import type { Plan } from '../../core/model/schema-types.js';
import { CliError } from '../errors.js';
import { messages } from '../messages.js';

export const SAVED_PLAN_FORMAT = 'ff-saved-plan';
export const SAVED_PLAN_VERSION = 1;

export interface SavedPlan {
  format: typeof SAVED_PLAN_FORMAT;
  version: typeof SAVED_PLAN_VERSION;
  tenant: string;
  environments: string[] | null;
  /** The flags directory as given to ff plan (relative to its working directory). */
  dir: string;
  /** The server the plan was computed against. */
  server: string;
  base_revision: number;
  files_hash: string;
  plan: Plan;
}

export function toSavedPlan(fields: Omit<SavedPlan, 'format' | 'version'>): SavedPlan {
  return { format: SAVED_PLAN_FORMAT, version: SAVED_PLAN_VERSION, ...fields };
}

export function serializeSavedPlan(saved: SavedPlan): string {
  return `${JSON.stringify(saved, null, 2)}\n`;
}

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((e) => typeof e === 'string');

/** Reads a saved plan, refusing anything that is not version 1 of this format. */
export function parseSavedPlan(text: string, file: string): SavedPlan {
  const invalid = (reason: string) => new CliError('PLAN_FILE_INVALID', messages.planFileInvalid(file, reason));
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw invalid('not JSON');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw invalid('not a JSON object');
  const d = doc as Record<string, unknown>;
  if (d.format !== SAVED_PLAN_FORMAT) throw invalid(`"format" is not "${SAVED_PLAN_FORMAT}"`);
  if (d.version !== SAVED_PLAN_VERSION) throw invalid(`version ${JSON.stringify(d.version)} is not one this ff reads (${SAVED_PLAN_VERSION})`);
  if (typeof d.tenant !== 'string' || d.tenant === '') throw invalid('"tenant" is missing');
  if (d.environments !== null && !isStringList(d.environments)) throw invalid('"environments" must be null or a list of names');
  if (typeof d.dir !== 'string') throw invalid('"dir" is missing');
  if (typeof d.server !== 'string') throw invalid('"server" is missing');
  if (!Number.isInteger(d.base_revision) || (d.base_revision as number) < 0) throw invalid('"base_revision" is not a revision');
  if (typeof d.files_hash !== 'string' || !d.files_hash.startsWith('sha256:')) throw invalid('"files_hash" is missing');
  const plan = d.plan as Partial<Plan> | undefined;
  if (typeof plan !== 'object' || plan === null || plan.format_version !== 1 || !Array.isArray(plan.changes)) {
    throw invalid('"plan" is not a plan document of format_version 1');
  }
  if (plan.tenant !== d.tenant) throw invalid('the plan names another tenant');
  return doc as SavedPlan;
}
