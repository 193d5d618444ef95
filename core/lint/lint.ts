// `ff lint`'s checks: pure functions over a loaded repository (its located
// models), the time it is judged at, and when each flag first appeared. The
// caller supplies the clock and the Git history, so the same input always
// gives the same findings and the tests need neither.
import { parseIsoDate } from '../engine/iso-date.js';
import { effectiveLifetimes, kindOf } from '../lifecycle/kinds.js';
import type { Flag, LintConfig, ScheduleStep, Serve } from '../model/index.js';
import { locateInSource } from '../repo/parse-source.js';
import type { ParsedSource } from '../repo/parse-source.js';
import type { TenantModel } from '../repo/types.js';
import type { Located } from '../validation/semantic/index.js';
import { pointer } from '../yaml/pointer.js';
import { DEFAULT_MAX_TARGETS, DEFAULT_UNUSED_DAYS, LINT_CODES } from './codes.js';
import type { LintCode, LintSeverity } from './codes.js';

const DAY_MS = 86_400_000;

export interface LintFinding {
  code: LintCode;
  severity: LintSeverity;
  message: string;
  tenant: string;
  /** The flag or segment the finding is about. */
  flag?: string;
  segment?: string;
  file: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
}

export interface LintInput {
  models: readonly TenantModel[];
  /** The moment the repository is judged at, epoch milliseconds. */
  now: number;
  /** Epoch milliseconds of the first commit that added the flag's key to the tenant; undefined when unknown (not committed, no Git). */
  firstSeen?: (tenant: string, flagKey: string) => number | undefined;
  config?: LintConfig;
  /** What the server knows of evaluations (absent: lint offline, no LINT_NOT_EVALUATED). */
  usage?: UsageLookup;
}

/**
 * The latest evaluation the server recorded for a flag: an ISO-8601 time,
 * null when it has none, undefined when the tenant's usage is unknown.
 */
export type UsageLookup = (tenant: string, flagKey: string) => string | null | undefined;

type Severities = Record<LintCode, LintSeverity | 'off'>;

function severities(config: LintConfig | undefined): Severities {
  const out: Severities = { ...LINT_CODES };
  const rules: Record<string, unknown> = config?.rules ?? {};
  for (const [code, severity] of Object.entries(rules)) {
    if (Object.hasOwn(LINT_CODES, code) && typeof severity === 'string') out[code as LintCode] = severity as LintSeverity | 'off';
  }
  return out;
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

class Collector {
  readonly findings: LintFinding[] = [];
  constructor(readonly severity: Severities) {}

  add(
    code: LintCode,
    tenant: string,
    source: ParsedSource,
    at: string,
    message: string,
    about: { flag?: string; segment?: string },
    target: 'value' | 'key' = 'value',
  ): void {
    const severity = this.severity[code];
    if (severity === 'off') return;
    this.findings.push({ code, severity, message, tenant, ...about, file: source.file, ...locateInSource(source, at, target) });
  }
}

/** Canonical text of a JSON value: objects with sorted keys, so equal values compare equal. */
function canonicalText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalText).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    return `{${Object.keys(record).sort().map((k) => `${JSON.stringify(k)}:${canonicalText(record[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The variant names a serve can hand out at `now`. A schedule counts only its
 * step in force then (the off variant before it starts): a progressive rollout
 * that reached everyone is as constant as a fixed variant, and as removable.
 */
export function servedVariants(serve: Serve | undefined, now: number, off: string): string[] {
  if (serve === undefined) return [];
  if (serve.schedule !== undefined) {
    let chosen: ScheduleStep | undefined;
    let since = -Infinity;
    for (const step of serve.schedule) {
      const at = parseIsoDate(step.at);
      if (!Number.isNaN(at) && at <= now && at >= since) {
        chosen = step;
        since = at;
      }
    }
    return chosen === undefined ? [off] : servedVariants({ variant: chosen.variant, rollout: chosen.rollout }, now, off);
  }
  const names: string[] = [];
  if (serve.variant !== undefined) names.push(serve.variant);
  for (const [name, weight] of Object.entries(serve.rollout ?? {})) if ((weight ?? 0) > 0) names.push(name);
  return names;
}

/** Every variant the flag can serve at `now` in the given environments (disabled or unlisted ones serve their off variant). */
export function reachableVariants(flag: Flag, environments: readonly string[], now: number): Set<string> {
  const names = new Set<string>();
  for (const env of environments) {
    const config = Object.hasOwn(flag.environments ?? {}, env) ? flag.environments?.[env] : undefined;
    const off = config?.offVariant ?? flag.offVariant;
    if (config === undefined || !config.enabled) {
      names.add(off);
      continue;
    }
    // A prerequisite that does not hold serves the off variant.
    if ((flag.prerequisites ?? []).length > 0) names.add(off);
    for (const [variant, keys] of Object.entries(config.targets ?? {})) if ((keys ?? []).length > 0) names.add(variant);
    let catchAll = false;
    for (const rule of config.rules ?? []) {
      for (const name of servedVariants(rule.serve, now, off)) names.add(name);
      if ((rule.conditions ?? []).length === 0) {
        catchAll = true;
        break;
      }
    }
    if (!catchAll) {
      if (config.default === undefined) names.add(off);
      else for (const name of servedVariants(config.default, now, off)) names.add(name);
    }
  }
  return names;
}

/** Whether some schedule of the flag has a step still to come: its answers will change by themselves. */
function changesLater(flag: Flag, now: number): boolean {
  for (const config of Object.values(flag.environments ?? {})) {
    const serves = [...(config?.rules ?? []).map((r) => r.serve), config?.default];
    for (const serve of serves) for (const step of serve?.schedule ?? []) if (parseIsoDate(step.at) > now) return true;
  }
  return false;
}

function lintFlag(
  tenant: TenantModel,
  located: Located<Flag, ParsedSource>,
  environments: readonly string[],
  input: LintInput,
  out: Collector,
): void {
  const { value: flag, origin, pointer: at } = located;
  const about = { flag: flag.key };
  const keyAt = pointer(at, 'key');

  let expired = false;
  if (flag.expires !== undefined) {
    const expiry = parseIsoDate(flag.expires);
    // Stale once the whole `expires` day (UTC) has passed.
    if (!Number.isNaN(expiry) && input.now >= expiry + DAY_MS) {
      expired = true;
      const days = Math.floor((input.now - expiry) / DAY_MS);
      out.add('LINT_STALE_EXPIRED', tenant.tenant, origin, pointer(at, 'expires'), `flag "${flag.key}" expired on ${flag.expires} (${plural(days, 'day')} ago): remove it, or move expires`, about);
    }
  }
  const kind = kindOf(flag);
  const lifetime = effectiveLifetimes(tenant.lifetimes)[kind];
  const since = input.firstSeen?.(tenant.tenant, flag.key);
  if (!expired && lifetime !== null && since !== undefined) {
    const age = Math.floor((input.now - since) / DAY_MS);
    if (age > lifetime) {
      out.add(
        'LINT_STALE_AGE',
        tenant.tenant,
        origin,
        keyAt,
        `${kind} flag "${flag.key}" is ${plural(age, 'day')} old (first committed ${isoDay(since)}); ${kind} flags are expected to live ${plural(lifetime, 'day')}`,
        about,
      );
    }
  }

  if (flag.owner === undefined || flag.owner.trim() === '') {
    out.add('LINT_OWNER_MISSING', tenant.tenant, origin, keyAt, `flag "${flag.key}" has no owner: add owner (a team or person)`, about);
  }

  // A kill switch serves one value until the day it is needed: that is its point. A schedule
  // with steps to come is not constant, whatever it serves today.
  if (kind !== 'kill-switch' && environments.length > 0 && !changesLater(flag, input.now)) {
    const variants = reachableVariants(flag, environments, input.now);
    const values = new Set([...variants].map((name) => canonicalText(flag.variants[name])));
    if (values.size === 1) {
      const [only] = [...variants];
      out.add(
        'LINT_FLAG_CONSTANT',
        tenant.tenant,
        origin,
        keyAt,
        `flag "${flag.key}" serves ${canonicalText(flag.variants[only!])} (${[...variants].sort().map((v) => `"${v}"`).join(', ')}) in every environment to everyone: a candidate for removal`,
        about,
      );
    }
  }

  if (input.usage !== undefined) {
    const last = input.usage(tenant.tenant, flag.key);
    const days = input.config?.unusedDays ?? DEFAULT_UNUSED_DAYS;
    const cutoff = input.now - days * DAY_MS;
    // A flag younger than the window has not had the time to be evaluated for that long.
    const young = since !== undefined && since > cutoff;
    const lastMs = last === null || last === undefined ? Number.NaN : parseIsoDate(last);
    if (last !== undefined && !young && (last === null || lastMs < cutoff)) {
      const when = last === null ? 'never evaluated' : `last evaluated ${isoDay(lastMs)}, ${plural(Math.floor((input.now - lastMs) / DAY_MS), 'day')} ago`;
      out.add('LINT_NOT_EVALUATED', tenant.tenant, origin, keyAt, `flag "${flag.key}" has not been evaluated for ${plural(days, 'day')} (${when}): a candidate for removal`, about);
    }
  }

  const max = input.config?.maxTargets ?? DEFAULT_MAX_TARGETS;
  for (const [env, config] of Object.entries(flag.environments ?? {})) {
    for (const [variant, keys] of Object.entries(config?.targets ?? {})) {
      const count = (keys ?? []).length;
      if (count > max) {
        out.add(
          'LINT_TARGETS_LARGE',
          tenant.tenant,
          origin,
          pointer(at, 'environments', env, 'targets', variant),
          `flag "${flag.key}" lists ${count} targets for variant "${variant}" in ${env} (more than ${max}): a segment or a rule is easier to keep`,
          about,
          'key',
        );
      }
    }
  }
}

function referencedSegments(flags: readonly Located<Flag, ParsedSource>[]): Set<string> {
  const keys = new Set<string>();
  for (const { value: flag } of flags) {
    for (const config of Object.values(flag.environments ?? {})) {
      for (const rule of config?.rules ?? []) for (const c of rule.conditions ?? []) if (c.segment !== undefined) keys.add(c.segment);
    }
  }
  return keys;
}

function compareFindings(a: LintFinding, b: LintFinding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}

/** Every finding about the repository, sorted by file, line, column and code. */
export function lintRepository(input: LintInput): LintFinding[] {
  const out = new Collector(severities(input.config));
  for (const tenant of input.models) {
    const environments = (tenant.model.environments ?? []).map((e) => e.value.key);
    for (const flag of tenant.model.flags) lintFlag(tenant, flag, environments, input, out);
    const used = referencedSegments(tenant.model.flags);
    for (const { value: segment, origin, pointer: at } of tenant.model.segments) {
      if (!used.has(segment.key)) {
        out.add('LINT_SEGMENT_UNUSED', tenant.tenant, origin, pointer(at, 'key'), `segment "${segment.key}" is used by no flag of tenant "${tenant.tenant}"`, {
          segment: segment.key,
        });
      }
    }
  }
  return out.findings.sort(compareFindings);
}
