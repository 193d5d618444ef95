// What the console shows about a flag, derived from the documents the API
// returns (the same types the YAML files and the server use): pure functions,
// unit-tested without a browser.
import type { Condition, EnvironmentConfig, Flag, Rule, Segment, Serve } from '../../core/model/index.js';

/** A serve in one line: a variant, weights, or a schedule's steps. */
export function describeServe(serve: Serve | undefined, offVariant: string): string {
  if (serve === undefined) return `${offVariant} (off variant)`;
  const by = serve.bucketBy === undefined ? '' : ` by ${serve.bucketBy}`;
  if (serve.variant !== undefined) return serve.variant;
  if (serve.rollout !== undefined) return `${describeWeights(serve.rollout)}${by}`;
  if (serve.schedule !== undefined) return `schedule of ${serve.schedule.length} step${serve.schedule.length === 1 ? '' : 's'}${by}`;
  return '?';
}

/** {on: 25, off: 75} → "on 25% · off 75%" (weights normalized, as the engine does). */
export function describeWeights(weights: Readonly<Record<string, number | undefined>>): string {
  return rolloutShares(weights)
    .map((s) => `${s.variant} ${formatShare(s.share)}`)
    .join(' · ');
}

export interface Share {
  variant: string;
  share: number;
}

/** Each variant's share of a rollout (weights need not sum to 100), in code-unit order like the engine. */
export function rolloutShares(weights: Readonly<Record<string, number | undefined>>): Share[] {
  const entries = Object.entries(weights)
    .map(([variant, w]) => [variant, w ?? 0] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  return entries.map(([variant, w]) => ({ variant, share: total > 0 ? w / total : 0 }));
}

export const formatShare = (share: number): string => `${Number((share * 100).toFixed(2))}%`;

/** The weights a serve rolls out now, for the bar (a schedule: its last step's, as the reader's rough idea). */
export function rolloutOf(serve: Serve | undefined): Readonly<Record<string, number | undefined>> | undefined {
  if (serve?.rollout !== undefined) return serve.rollout;
  const last = serve?.schedule?.at(-1);
  return last?.rollout;
}

function describeValue(value: Condition['value']): string {
  if (Array.isArray(value)) return `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
  return JSON.stringify(value);
}

/** "plan in ["pro", "enterprise"]", "not in segment beta-testers". */
export function describeCondition(c: Condition): string {
  if (c.segment !== undefined) return `${c.negate ? 'not ' : ''}in segment ${c.segment}`;
  const operator = `${c.negate ? 'not ' : ''}${(c.operator ?? '?').replaceAll('_', ' ')}`;
  const value = c.value === undefined ? '' : ` ${describeValue(c.value)}`;
  return `${c.attribute ?? '?'} ${operator}${value}${c.caseInsensitive ? ' (any case)' : ''}`;
}

/** "if plan equals "pro" and country in ["DE"] → serve on". */
export function describeRule(rule: Rule, offVariant: string): string {
  const conditions = rule.conditions ?? [];
  const when = conditions.length === 0 ? 'always' : `if ${conditions.map(describeCondition).join(' and ')}`;
  return `${when} → serve ${describeServe(rule.serve, offVariant)}`;
}

export function targetsCount(config: EnvironmentConfig | undefined): number {
  return Object.values(config?.targets ?? {}).reduce((sum, keys) => sum + (keys?.length ?? 0), 0);
}

/** The flag's configuration in one environment, summarized for the list. */
export interface EnvironmentSummary {
  configured: boolean;
  enabled: boolean;
  /** What the default serves, in words. */
  serves: string;
  rollout: Share[] | null;
  rules: number;
  /** The first rule, in words (the list shows it; the flag page shows them all). */
  firstRule: string | null;
  targets: number;
}

export function summarize(flag: Flag, environment: string): EnvironmentSummary {
  const config = flag.environments?.[environment];
  const off = config?.offVariant ?? flag.offVariant;
  if (config === undefined) return { configured: false, enabled: false, serves: `${off} (not configured)`, rollout: null, rules: 0, firstRule: null, targets: 0 };
  const weights = rolloutOf(config.default);
  const first = config.rules?.[0];
  return {
    configured: true,
    enabled: config.enabled,
    serves: config.enabled ? describeServe(config.default, off) : `${off} (disabled)`,
    rollout: config.enabled && weights !== undefined ? rolloutShares(weights) : null,
    rules: config.rules?.length ?? 0,
    firstRule: first === undefined ? null : describeRule(first, off),
    targets: targetsCount(config),
  };
}

/**
 * The context attributes a flag's targeting reads in one environment — rule
 * conditions, the segments they use, and bucketing attributes — for the
 * playground to suggest. targetingKey first: every rollout needs it by default.
 */
export function attributesUsed(flag: Flag, environment: string, segments: ReadonlyMap<string, Segment>): string[] {
  const found = new Set<string>(['targetingKey']);
  const config = flag.environments?.[environment];
  const visit = (conditions: readonly Condition[] | undefined, seen: Set<string>) => {
    for (const c of conditions ?? []) {
      if (c.attribute !== undefined) found.add(c.attribute);
      if (c.segment !== undefined && !seen.has(c.segment)) {
        seen.add(c.segment);
        visit(segments.get(c.segment)?.conditions, seen);
      }
    }
  };
  const serves = [config?.default, ...(config?.rules ?? []).map((r) => r.serve)];
  for (const rule of config?.rules ?? []) visit(rule.conditions, new Set());
  for (const serve of serves) if (serve?.bucketBy !== undefined) found.add(serve.bucketBy);
  return [...found];
}

/** Segments a flag's rules name in one environment (to fetch them for suggestions). */
export function segmentsUsed(flag: Flag, environment: string): string[] {
  const keys = new Set<string>();
  for (const rule of flag.environments?.[environment]?.rules ?? []) {
    for (const c of rule.conditions ?? []) if (c.segment !== undefined) keys.add(c.segment);
  }
  return [...keys];
}

export type ContextCheck = { ok: true; context: Record<string, unknown> } | { ok: false; message: string };

/** The playground's context: a JSON object, or why not. */
export function parseContext(text: string): ContextCheck {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `not JSON: ${(error as Error).message}` };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, message: 'the context must be a JSON object' };
  return { ok: true, context: value as Record<string, unknown> };
}

/** The context text with `attribute` added (empty string value) when it is missing; unchanged when it cannot be read. */
export function withAttribute(text: string, attribute: string): string {
  const parsed = parseContext(text);
  if (!parsed.ok || attribute in parsed.context) return text;
  return JSON.stringify({ ...parsed.context, [attribute]: '' }, null, 2);
}

/** The flag document with `enabled` set in one environment: what break-glass writes. Null when the environment has no configuration. */
export function withEnabled(flag: Flag, environment: string, enabled: boolean): Flag | null {
  const config = flag.environments?.[environment];
  if (config === undefined) return null;
  return { ...flag, environments: { ...flag.environments, [environment]: { ...config, enabled } } };
}

/**
 * A statistic as the experiment view prints it: four significant digits (the
 * route's JSON has them all). JSON has no infinity: an unbounded or undefined
 * figure arrives as null and prints as "—".
 */
export const formatFigure = (x: number | null): string => (x === null || !Number.isFinite(x) ? '—' : String(Number(x.toPrecision(4))));

/** A 95% interval: "[-0.01234, 0.04567]"; "—" when either end is unbounded (no data yet). */
export const formatInterval = (i: { lower: number | null; upper: number | null }): string =>
  i.lower === null || i.upper === null ? '—' : `[${formatFigure(i.lower)}, ${formatFigure(i.upper)}]`;

/** A p-value: tiny ones as "< 0.0001", the rest with four significant digits. */
export const formatPValue = (p: number | null): string => (p !== null && p < 0.0001 ? '< 0.0001' : formatFigure(p));

/** "p = 0.0123", or "p < 0.0001". */
export const describeP = (p: number | null): string => (p !== null && p < 0.0001 ? 'p < 0.0001' : `p = ${formatFigure(p)}`);
