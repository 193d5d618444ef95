// The saved-plan file (`ff plan --out FILE`, `ff apply FILE`), format version
// 2. A JSON document that carries everything an apply needs, so `ff apply
// FILE` works from any directory, on any machine, without the files:
//
//   { "format": "ff-saved-plan", "version": 2,
//     "tenant": "acme", "environments": null | ["production"],
//     "server": "https://ff.example.com",
//     "base_revision": 41, "plan_hash": "sha256:…", "files_hash": "sha256:…",
//     "commit": { sha, author, …, dirty },      ← what the files were planned from
//     "state": { …schemas/tenant-state.schema.json… },   ← the desired state itself
//     "plan": { …schemas/plan.schema.json… } }
//
// `state` is the tenant's desired state as loaded from the files and
// `files_hash` its contentHash (core/diff: canonical JSON). `base_revision` is
// the server revision the plan was computed against and `plan_hash` the
// identity of its changes: the apply sends both, and the server refuses
// (409 STALE_PLAN) unless it is still at that revision and computes exactly
// that plan. Fields are only ever added within a version.
import type { TenantState } from '../../core/model/index.js';
import type { Commit, Plan } from '../../core/model/schema-types.js';
import { CliError } from '../errors.js';
import { messages } from '../messages.js';

export const SAVED_PLAN_FORMAT = 'ff-saved-plan';
export const SAVED_PLAN_VERSION = 2;

export interface SavedPlan {
  format: typeof SAVED_PLAN_FORMAT;
  version: typeof SAVED_PLAN_VERSION;
  tenant: string;
  environments: string[] | null;
  /** The server the plan was computed against. */
  server: string;
  base_revision: number;
  plan_hash: string;
  files_hash: string;
  /** The commit the files were read from (dirty when they had uncommitted changes). */
  commit: Commit;
  /** The desired state the plan was computed for: what the apply sends. */
  state: TenantState;
  plan: Plan;
}

export function toSavedPlan(fields: Omit<SavedPlan, 'format' | 'version'>): SavedPlan {
  return { format: SAVED_PLAN_FORMAT, version: SAVED_PLAN_VERSION, ...fields };
}

export function serializeSavedPlan(saved: SavedPlan): string {
  return `${JSON.stringify(saved, null, 2)}\n`;
}

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((e) => typeof e === 'string');
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const HASH = /^sha256:[0-9a-f]{64}$/;

/** Reads a saved plan, refusing anything that is not version 2 of this format. */
export function parseSavedPlan(text: string, file: string): SavedPlan {
  const invalid = (reason: string) => new CliError('PLAN_FILE_INVALID', messages.planFileInvalid(file, reason));
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw invalid('not JSON');
  }
  if (!isObject(doc)) throw invalid('not a JSON object');
  const d = doc;
  if (d.format !== SAVED_PLAN_FORMAT) throw invalid(`"format" is not "${SAVED_PLAN_FORMAT}"`);
  if (d.version !== SAVED_PLAN_VERSION) {
    throw invalid(`version ${JSON.stringify(d.version)} is not one this ff reads (${SAVED_PLAN_VERSION}): re-run ff plan --out`);
  }
  if (typeof d.tenant !== 'string' || d.tenant === '') throw invalid('"tenant" is missing');
  if (d.environments !== null && !isStringList(d.environments)) throw invalid('"environments" must be null or a list of names');
  if (typeof d.server !== 'string') throw invalid('"server" is missing');
  if (!Number.isInteger(d.base_revision) || (d.base_revision as number) < 0) throw invalid('"base_revision" is not a revision');
  if (typeof d.plan_hash !== 'string' || !HASH.test(d.plan_hash)) throw invalid('"plan_hash" is missing');
  if (typeof d.files_hash !== 'string' || !HASH.test(d.files_hash)) throw invalid('"files_hash" is missing');
  if (!isObject(d.commit) || typeof d.commit.sha !== 'string') throw invalid('"commit" is missing');
  const state = d.state;
  if (!isObject(state) || state.tenant !== d.tenant || !Array.isArray(state.flags) || !Array.isArray(state.segments) || !Array.isArray(state.environments)) {
    throw invalid('"state" is not the desired state of the tenant');
  }
  const plan = d.plan as Partial<Plan> | undefined;
  if (!isObject(plan) || plan.format_version !== 1 || !Array.isArray(plan.changes)) {
    throw invalid('"plan" is not a plan document of format_version 1');
  }
  if (plan.tenant !== d.tenant) throw invalid('the plan names another tenant');
  if (plan.plan_hash !== d.plan_hash || plan.base_revision !== d.base_revision) throw invalid('"plan" is not the plan the file says it holds');
  return doc as unknown as SavedPlan;
}
