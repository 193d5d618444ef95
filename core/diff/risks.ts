// Changes a reviewer must not miss, called out in every plan rendering.
import type { EnvironmentConfig, Flag, Serve } from '../model/index.js';
import type { Risk } from '../model/schema-types.js';
import { semanticallyEqual } from './canonical.js';

const PRODUCTION = /^prod(uction)?$/;

export function flagRisks(before: Flag | undefined, after: Flag | undefined): Risk[] {
  if (before && !after) return [{ code: 'DELETION', message: `flag ${before.key} is deleted: every caller gets its default value` }];
  if (!before || !after) return [];
  const risks: Risk[] = [];
  if ((before.salt ?? '') !== (after.salt ?? '')) {
    risks.push({ code: 'SALT_CHANGED', message: 'salt changed: every rollout of this flag reshuffles its users' });
  }
  for (const [name, value] of Object.entries(before.variants)) {
    if (name in after.variants && !semanticallyEqual(value, after.variants[name])) {
      risks.push({ code: 'VARIANT_VALUE_CHANGED', message: `variant ${name} now serves a different value` });
    }
  }
  const envs = new Set([...Object.keys(before.environments ?? {}), ...Object.keys(after.environments ?? {})]);
  for (const env of envs) {
    const was = before.environments?.[env];
    const now = after.environments?.[env];
    if (PRODUCTION.test(env) && was?.enabled && !now?.enabled) {
      risks.push({ code: 'DISABLED_IN_PRODUCTION', message: `disabled in ${env}: everyone gets the off variant` });
    }
    risks.push(...rolloutRisks(env, was, now, offVariantOf(after, env)));
  }
  return risks;
}

function offVariantOf(flag: Flag, env: string): string {
  return flag.environments?.[env]?.offVariant ?? flag.offVariant;
}

/** Shares of each variant in a serve: 1 for a fixed variant, normalized weights for a rollout. */
export function shares(serve: Serve | undefined): Map<string, number> {
  const out = new Map<string, number>();
  if (!serve) return out;
  if (serve.variant !== undefined) out.set(serve.variant, 1);
  if (serve.rollout) {
    const total = Object.values(serve.rollout).reduce<number>((sum, w) => sum + (w ?? 0), 0);
    if (total > 0) for (const [name, w] of Object.entries(serve.rollout)) out.set(name, (w ?? 0) / total);
  }
  return out;
}

function rolloutRisks(env: string, was: EnvironmentConfig | undefined, now: EnvironmentConfig | undefined, off: string): Risk[] {
  if (!was || !now) return [];
  const pairs: Array<[string, Serve | undefined, Serve | undefined]> = [[`${env}.default`, was.default, now.default]];
  const oldRules = new Map((was.rules ?? []).map((r) => [r.id, r]));
  (now.rules ?? []).forEach((rule, i) => pairs.push([`${env}.rules[${i}]`, oldRules.get(rule.id)?.serve, rule.serve]));
  const risks: Risk[] = [];
  for (const [where, a, b] of pairs) {
    if (!a?.rollout || !b?.rollout) continue;
    const before = shares(a);
    const after = shares(b);
    for (const [variant, share] of before) {
      const next = after.get(variant) ?? 0;
      if (variant !== off && next < share) {
        risks.push({
          code: 'ROLLOUT_DECREASED',
          message: `${where}: share of ${variant} goes down ${percent(share)} → ${percent(next)} (users leave the rollout)`,
        });
      }
    }
  }
  return risks;
}

function percent(share: number): string {
  return `${Math.round(share * 10000) / 100}%`;
}
