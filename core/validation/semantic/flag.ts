// One flag: variant values of its type, every variant reference declared,
// environments declared by the tenant, individual targets unique, rules
// reachable with unique ids, and every serve and condition well formed.
import type { EnvironmentConfig, Flag, Rule } from '../../model/index.js';
import { parseIsoDate } from '../../engine/iso-date.js';
import { pointer } from '../../yaml/pointer.js';
import { describeValue } from '../describe-value.js';
import { closest } from '../suggest.js';
import { checkCondition } from './condition.js';
import type { ConditionScope } from './condition.js';
import type { Findings, Located } from './model.js';
import { checkServe, unknownVariantMessage } from './serve.js';
import { hasFlagType } from './variant-type.js';

export interface FlagScope {
  /** Declared environment keys; undefined when unknown. */
  environmentKeys: ReadonlySet<string> | undefined;
  conditions: ConditionScope;
}

function isCatchAll(rule: Rule): boolean {
  return rule.conditions === undefined || rule.conditions.length === 0;
}

function checkTargets<O>(config: EnvironmentConfig, at: string, origin: O, variants: ReadonlySet<string>, findings: Findings<O>): void {
  const owner = new Map<string, string>();
  for (const [variant, keys] of Object.entries(config.targets ?? {})) {
    if (!variants.has(variant)) {
      findings.add(origin, pointer(at, 'targets', variant), 'VARIANT_UNKNOWN', unknownVariantMessage(variant, variants), 'key');
    }
    (keys ?? []).forEach((key, index) => {
      const first = owner.get(key);
      if (first === undefined) owner.set(key, variant);
      else if (first !== variant) {
        findings.add(
          origin,
          pointer(at, 'targets', variant, index),
          'TARGET_DUPLICATE',
          `"${key}" is already a target of variant "${first}": a targeting key gets one variant`,
        );
      }
    });
  }
}

function checkRules<O>(config: EnvironmentConfig, at: string, origin: O, variants: ReadonlySet<string>, scope: FlagScope, findings: Findings<O>): void {
  const rules = config.rules ?? [];
  const ids = new Map<string, number>();
  let catchAll: Rule | undefined;
  rules.forEach((rule, index) => {
    const ruleAt = pointer(at, 'rules', index);
    const sameId = ids.get(rule.id);
    if (sameId === undefined) ids.set(rule.id, index);
    else {
      const where = findings.describe(origin, pointer(at, 'rules', sameId, 'id'));
      findings.add(origin, pointer(ruleAt, 'id'), 'RULE_DUPLICATE_ID', `rule id "${rule.id}" is already used at ${where}`);
    }
    if (catchAll !== undefined) {
      findings.add(
        origin,
        ruleAt,
        'RULE_UNREACHABLE',
        `rule "${rule.id}" can never match: rule "${catchAll.id}" before it has no conditions and matches everyone`,
      );
    }
    (rule.conditions ?? []).forEach((condition, c) => {
      checkCondition(condition, pointer(ruleAt, 'conditions', c), origin, scope.conditions, findings);
    });
    checkServe(rule.serve, pointer(ruleAt, 'serve'), origin, variants, findings);
    if (catchAll === undefined && isCatchAll(rule)) catchAll = rule;
  });
  if (catchAll !== undefined && config.default !== undefined) {
    findings.add(
      origin,
      pointer(at, 'default'),
      'DEFAULT_UNREACHABLE',
      `default is never served: rule "${catchAll.id}" has no conditions and matches everyone`,
      'key',
    );
  }
}

function checkEnvironment<O>(
  name: string,
  config: EnvironmentConfig,
  at: string,
  origin: O,
  variants: ReadonlySet<string>,
  scope: FlagScope,
  findings: Findings<O>,
): void {
  const declared = scope.environmentKeys;
  if (declared !== undefined && !declared.has(name)) {
    const guess = closest(name, [...declared]);
    const hint = guess !== undefined ? ` (did you mean "${guess}"?)` : `; declared: ${[...declared].join(', ')}`;
    findings.add(origin, at, 'ENVIRONMENT_UNKNOWN', `environment "${name}" is not declared in tenant.yaml${hint}`, 'key');
  }
  if (config.offVariant !== undefined && !variants.has(config.offVariant)) {
    findings.add(origin, pointer(at, 'offVariant'), 'VARIANT_UNKNOWN', unknownVariantMessage(config.offVariant, variants));
  }
  checkTargets(config, at, origin, variants, findings);
  checkRules(config, at, origin, variants, scope, findings);
  if (config.default !== undefined) checkServe(config.default, pointer(at, 'default'), origin, variants, findings);
}

export function checkFlag<O>(located: Located<Flag, O>, scope: FlagScope, findings: Findings<O>): void {
  const { value: flag, pointer: at, origin } = located;
  const variants = new Set(Object.keys(flag.variants));
  for (const [name, value] of Object.entries(flag.variants)) {
    if (!hasFlagType(value, flag.type)) {
      findings.add(
        origin,
        pointer(at, 'variants', name),
        'VARIANT_TYPE_MISMATCH',
        `variant "${name}" is ${describeValue(value)}, but the flag's type is ${flag.type}`,
      );
    }
  }
  if (!variants.has(flag.offVariant)) {
    findings.add(origin, pointer(at, 'offVariant'), 'VARIANT_UNKNOWN', unknownVariantMessage(flag.offVariant, variants));
  }
  if (flag.expires !== undefined && Number.isNaN(parseIsoDate(flag.expires))) {
    findings.add(origin, pointer(at, 'expires'), 'FLAG_EXPIRES_INVALID', `expires "${flag.expires}" is not a calendar date`);
  }
  const environments = Object.entries(flag.environments ?? {});
  if (environments.length === 0) {
    findings.add(
      origin,
      pointer(at, 'key'),
      'FLAG_NO_ENVIRONMENTS',
      `flag "${flag.key}" is configured in no environment: it serves "${flag.offVariant}" everywhere`,
    );
  }
  for (const [name, config] of environments) {
    if (config !== undefined) checkEnvironment(name, config, pointer(at, 'environments', name), origin, variants, scope, findings);
  }
}
