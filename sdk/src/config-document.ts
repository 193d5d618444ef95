// Turning a configuration document (GET /v1/config, a persisted file, an
// object, a flags folder) into the engine's snapshot — or refusing it. A
// document the validator rejects is never used: the caller keeps the last good
// snapshot. The checks are core/'s, the ones the server runs before it stores
// anything, so a document the SDK accepts is one the server could have served.
import { buildSnapshot, type Snapshot } from '../../core/engine/index.js';
import type { EnvironmentConfigDocument, Flag, TenantState } from '../../core/model/index.js';
import { hasErrors, validateTenantState, type Diagnostic } from '../../core/validation/index.js';
import { SdkError } from './errors.js';

/** A configuration the client can evaluate with: the compiled snapshot and what it came from. */
export interface LoadedConfig {
  document: EnvironmentConfigDocument;
  snapshot: Snapshot;
  /** The server's ETag for it (sent back as If-None-Match); undefined when it came from elsewhere. */
  etag: string | undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function describe(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const shown = errors.slice(0, 3).map((d) => `${d.code}${d.path === undefined ? '' : ` at ${d.path}`}: ${d.message}`);
  return shown.join('; ') + (errors.length > 3 ? `; and ${errors.length - 3} more` : '');
}

/**
 * Validates a document and compiles it. Throws SdkError INVALID_CONFIG (the
 * caller turns that into an `error` event and keeps what it had).
 */
export function loadConfigDocument(value: unknown, etag?: string): LoadedConfig {
  if (!isObject(value)) throw new SdkError('INVALID_CONFIG', 'the configuration is not a JSON object');
  const { tenant, environment, revision, environments, flags, segments } = value;
  if (typeof tenant !== 'string' || typeof environment !== 'string') {
    throw new SdkError('INVALID_CONFIG', 'the configuration names no tenant or environment');
  }
  if (typeof revision !== 'number' || !Number.isSafeInteger(revision) || revision < 0) {
    throw new SdkError('INVALID_CONFIG', 'the configuration carries no revision (a non-negative integer)');
  }
  // The state as the validator knows it; the schema checks every member's shape.
  const state = { tenant, environments, flags, segments } as TenantState;
  const diagnostics = validateTenantState(state);
  if (hasErrors(diagnostics)) throw new SdkError('INVALID_CONFIG', `the configuration is invalid: ${describe(diagnostics)}`);
  if (!state.environments.some((e) => e.key === environment)) {
    throw new SdkError('INVALID_CONFIG', `the configuration does not declare its environment "${environment}"`);
  }
  const document: EnvironmentConfigDocument = { ...state, environment, revision };
  return { document, snapshot: buildSnapshot(state, environment, revision), etag };
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
    environment,
    revision,
  };
}

/**
 * The flag keys whose answers may differ between two documents: a flag whose
 * definition changed, a flag whose rules use a segment that changed, every
 * flag when the environment itself changed, and flags added or removed.
 */
export function changedFlagKeys(before: EnvironmentConfigDocument | undefined, after: EnvironmentConfigDocument): string[] {
  const keys = new Set<string>();
  const afterFlags = new Map(after.flags.map((f) => [f.key, f]));
  if (before === undefined || JSON.stringify(before.environments) !== JSON.stringify(after.environments)) {
    for (const f of before?.flags ?? []) keys.add(f.key);
    for (const key of afterFlags.keys()) keys.add(key);
    return [...keys].sort();
  }
  const segmentJson = (doc: EnvironmentConfigDocument) => new Map(doc.segments.map((s) => [s.key, JSON.stringify(s)]));
  const oldSegments = segmentJson(before);
  const newSegments = segmentJson(after);
  const changedSegments = new Set<string>();
  for (const key of new Set([...oldSegments.keys(), ...newSegments.keys()])) {
    if (oldSegments.get(key) !== newSegments.get(key)) changedSegments.add(key);
  }
  const beforeFlags = new Map(before.flags.map((f) => [f.key, f]));
  const usesChangedSegment = (flag: Flag | undefined, environment: string): boolean =>
    (flag?.environments?.[environment]?.rules ?? []).some((rule) =>
      (rule.conditions ?? []).some((c) => c.segment !== undefined && changedSegments.has(c.segment)),
    );
  for (const key of new Set([...beforeFlags.keys(), ...afterFlags.keys()])) {
    const a = beforeFlags.get(key);
    const b = afterFlags.get(key);
    if (a === undefined || b === undefined || JSON.stringify(a) !== JSON.stringify(b)) keys.add(key);
    else if (changedSegments.size > 0 && (usesChangedSegment(a, before.environment) || usesChangedSegment(b, after.environment))) keys.add(key);
  }
  return [...keys].sort();
}
