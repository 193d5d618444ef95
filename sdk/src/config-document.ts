// Turning a configuration document (GET /v1/config, a persisted file, an
// object, a flags folder) into the engine's snapshot — or refusing it. A
// document the validator rejects is never used: the caller keeps the last good
// snapshot. The checks are core/'s, the ones the server runs before it stores
// anything, so a document the SDK accepts is one the server could have served.
import { buildSnapshot, updateSnapshot, type Snapshot } from '../../core/engine/index.js';
import { ExposureMatcher } from '../../core/experiments/exposure-matcher.js';
import type { EnvironmentConfigDocument, Flag, TenantState } from '../../core/model/index.js';
import { hasErrors, validateTenantChanges, validateTenantState, type Diagnostic } from '../../core/validation/index.js';
import { SdkError } from './errors.js';

/** A configuration the client can evaluate with: the compiled snapshot and what it came from. */
export interface LoadedConfig {
  document: EnvironmentConfigDocument;
  snapshot: Snapshot;
  /** The server's ETag for it (sent back as If-None-Match); undefined when it came from elsewhere. */
  etag: string | undefined;
  /** Flag keys whose answers may differ from the configuration this one replaced (every key, for a first one), sorted. */
  changed: string[];
  /** The JSON of every flag, segment and of the environments: what the next document is compared with. */
  readonly fingerprint: Fingerprint;
  /** The environment's running experiments, compiled; undefined when it has none (evaluation then records nothing). */
  readonly exposures: ExposureMatcher | undefined;
}

interface Fingerprint {
  flags: ReadonlyMap<string, string>;
  segments: ReadonlyMap<string, string>;
  environments: string;
  experiments: string;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function describe(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const shown = errors.slice(0, 3).map((d) => `${d.code}${d.path === undefined ? '' : ` at ${d.path}`}: ${d.message}`);
  return shown.join('; ') + (errors.length > 3 ? `; and ${errors.length - 3} more` : '');
}

/** Each member's JSON by key; undefined when a member has no string key or a key repeats (the validator says why). */
function byKey(list: unknown): Map<string, string> | undefined {
  if (!Array.isArray(list)) return undefined;
  const out = new Map<string, string>();
  for (const item of list) {
    if (!isObject(item) || typeof item.key !== 'string' || out.has(item.key)) return undefined;
    out.set(item.key, JSON.stringify(item));
  }
  return out;
}

function differing(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): Set<string> {
  const keys = new Set<string>();
  for (const [key, json] of after) if (before.get(key) !== json) keys.add(key);
  for (const key of before.keys()) if (!after.has(key)) keys.add(key);
  return keys;
}

const usesAny = (flag: Flag | undefined, environment: string, segments: ReadonlySet<string>): boolean =>
  (flag?.environments?.[environment]?.rules ?? []).some((rule) => (rule.conditions ?? []).some((c) => c.segment !== undefined && segments.has(c.segment)));

/**
 * Validates a document and compiles it. With `previous` (the configuration
 * in use, same tenant and environment) only what differs is validated and
 * recompiled — core's incremental checks and snapshot update, which answer
 * exactly as a full load would — so an update of one flag in a large
 * configuration costs the comparison, not a rebuild. Progressive rollouts
 * (schedules) resolve at `now`, as the server resolves them; the snapshot's
 * nextChangeAt says when to rebuild (rebuildAt). Throws SdkError
 * INVALID_CONFIG (the caller turns that into an `error` event and keeps what it had).
 */
export function loadConfigDocument(value: unknown, etag?: string, previous?: LoadedConfig, now: number = Date.now()): LoadedConfig {
  if (!isObject(value)) throw new SdkError('INVALID_CONFIG', 'the configuration is not a JSON object');
  const { tenant, environment, revision, environments, flags, segments, experiments } = value;
  if (typeof tenant !== 'string' || typeof environment !== 'string') {
    throw new SdkError('INVALID_CONFIG', 'the configuration names no tenant or environment');
  }
  if (typeof revision !== 'number' || !Number.isSafeInteger(revision) || revision < 0) {
    throw new SdkError('INVALID_CONFIG', 'the configuration carries no revision (a non-negative integer)');
  }
  // The state as the validator knows it; the schema checks every member's shape.
  const state = { tenant, environments, flags, segments } as TenantState;
  if (experiments !== undefined) state.experiments = experiments as TenantState['experiments'];
  const experimentsJson = JSON.stringify(experiments ?? []);
  const flagJson = byKey(flags);
  const segmentJson = byKey(segments);
  const environmentsJson = JSON.stringify(environments);
  // Schedules resolve at a moment: a snapshot past its next schedule step is rebuilt, never updated.
  const incremental =
    previous !== undefined &&
    (previous.snapshot.nextChangeAt === undefined || previous.snapshot.nextChangeAt > now) &&
    flagJson !== undefined &&
    segmentJson !== undefined &&
    previous.document.tenant === tenant &&
    previous.document.environment === environment &&
    previous.fingerprint.environments === environmentsJson;

  let snapshot: Snapshot;
  let changed: string[];
  if (incremental) {
    const experimentKeys = previous.fingerprint.experiments === experimentsJson ? new Set<string>() : new Set((state.experiments ?? []).map((e) => e.key));
    const change = { flags: differing(previous.fingerprint.flags, flagJson), segments: differing(previous.fingerprint.segments, segmentJson), experiments: experimentKeys, tenant: false };
    const diagnostics = validateTenantChanges(state, change);
    if (hasErrors(diagnostics)) throw new SdkError('INVALID_CONFIG', `the configuration is invalid: ${describe(diagnostics)}`);
    snapshot = updateSnapshot(previous.snapshot, state, revision, change);
    const keys = new Set(change.flags);
    if (change.segments.size > 0) {
      const before = new Map(previous.document.flags.map((f) => [f.key, f]));
      for (const flag of state.flags) if (usesAny(flag, environment, change.segments) || usesAny(before.get(flag.key), environment, change.segments)) keys.add(flag.key);
    }
    // A flag whose prerequisite's answer may have moved may answer differently too.
    for (let grew = keys.size > 0; grew; ) {
      grew = false;
      for (const flag of state.flags) {
        if (!keys.has(flag.key) && (flag.prerequisites ?? []).some((p) => keys.has(p.flag))) {
          keys.add(flag.key);
          grew = true;
        }
      }
    }
    changed = [...keys].sort();
  } else {
    const diagnostics = validateTenantState(state);
    if (hasErrors(diagnostics)) throw new SdkError('INVALID_CONFIG', `the configuration is invalid: ${describe(diagnostics)}`);
    if (!state.environments.some((e) => e.key === environment)) {
      throw new SdkError('INVALID_CONFIG', `the configuration does not declare its environment "${environment}"`);
    }
    snapshot = buildSnapshot(state, environment, revision, { at: now });
    changed = [...new Set([...(previous?.document.flags ?? []).map((f) => f.key), ...state.flags.map((f) => f.key)])].sort();
  }
  const document: EnvironmentConfigDocument = { ...state, environment, revision };
  // Valid now, so every member has a unique string key.
  const fingerprint: Fingerprint = {
    flags: flagJson ?? new Map(state.flags.map((f) => [f.key, JSON.stringify(f)])),
    segments: segmentJson ?? new Map(state.segments.map((sg) => [sg.key, JSON.stringify(sg)])),
    environments: environmentsJson,
    experiments: experimentsJson,
  };
  const matcher = ExposureMatcher.build(state, environment);
  return { document, snapshot, etag, changed, fingerprint, exposures: matcher.isEmpty ? undefined : matcher };
}

/**
 * The document a tenant's state gives for one environment, as the server
 * builds it: every flag narrowed to that environment's targeting.
 */
export function documentFromState(state: TenantState, environment: string, revision = 0): EnvironmentConfigDocument {
  return {
    tenant: state.tenant,
    environments: state.environments.filter((e) => e.key === environment),
    flags: state.flags.map((flag) => {
      const { environments, ...rest } = flag;
      const own = environments?.[environment];
      return own === undefined ? rest : { ...rest, environments: { [environment]: own } };
    }),
    segments: state.segments,
    ...(state.experiments?.some((e) => e.environment === environment) ? { experiments: state.experiments.filter((e) => e.environment === environment) } : {}),
    environment,
    revision,
  };
}

/** Whether any serve of the flag in `environment` is a schedule (a progressive rollout). */
function isScheduled(flag: Flag, environment: string): boolean {
  const config = flag.environments?.[environment];
  if (config === undefined) return false;
  return [config.default, ...(config.rules ?? []).map((rule) => rule.serve)].some((serve) => serve?.schedule !== undefined);
}

/**
 * The same configuration compiled again at `now`: what a schedule step
 * starting calls for (the server does the same, without a new revision).
 * `changed` names the flags whose answers moved.
 */
export function rebuildAt(loaded: LoadedConfig, now: number = Date.now()): LoadedConfig {
  const { document } = loaded;
  const snapshot = buildSnapshot(document, document.environment, document.revision, { at: now });
  const changed = document.flags.filter((f) => isScheduled(f, document.environment)).map((f) => f.key).sort();
  return { ...loaded, snapshot, changed };
}
