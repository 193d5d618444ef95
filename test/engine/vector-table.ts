// Loads test/engine/vectors.json: one tenant's flags and segments and the cases
// replayed against them. Shared by the vector and explain tests.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSnapshot } from '../../core/engine/index.js';
import type { EvaluationErrorCode, Reason, Snapshot } from '../../core/engine/index.js';
import type { Flag, JsonValue, Segment, TenantState } from '../../core/model/index.js';

export interface VectorCase {
  name: string;
  flag: string;
  environment: string;
  /** The moment the snapshot is built for (schedules), ISO-8601; absent: none given. */
  at?: string;
  context: unknown;
  expect: {
    value: JsonValue;
    variant: string | null;
    reason: Reason;
    ruleId?: string;
    errorCode?: EvaluationErrorCode;
    bucket?: number;
  };
}

interface VectorFile {
  tenant: string;
  environments: string[];
  segments: Segment[];
  flags: Flag[];
  cases: VectorCase[];
}

export const vectorFile = JSON.parse(
  readFileSync(fileURLToPath(new URL('./vectors.json', import.meta.url)), 'utf8'),
) as VectorFile;

export const vectorState: TenantState = {
  tenant: vectorFile.tenant,
  environments: vectorFile.environments.map((key) => ({ key })),
  flags: vectorFile.flags,
  segments: vectorFile.segments,
};

export const REVISION = 7;

const snapshots = new Map<string, Snapshot>();

/** One snapshot per environment (and moment), built once for every test in a file. */
export function snapshotFor(environment: string, at?: string): Snapshot {
  const id = `${environment}@${at ?? ''}`;
  let snapshot = snapshots.get(id);
  if (snapshot === undefined) {
    snapshot = buildSnapshot(vectorState, environment, REVISION, at === undefined ? {} : { at: Date.parse(at) });
    snapshots.set(id, snapshot);
  }
  return snapshot;
}
