// The example repository (flags/) must load without errors and show off every
// feature of the format at least once. The checks walk the
// loaded state, so they fail when a feature is removed from the YAML, and a few
// evaluations confirm that flags/README.md describes what the engine answers.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildSnapshot, evaluate } from '../../core/engine/index.js';
import type { Condition, Flag, Operator, TenantState } from '../../core/model/index.js';
import { loadRepository } from '../../core/repo/index.js';
import type { RepoLoadResult } from '../../core/repo/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const flagsDir = path.join(root, 'flags');

const ALL_OPERATORS: Operator[] = [
  'equals', 'not_equals', 'in', 'not_in', 'contains', 'starts_with', 'ends_with', 'matches',
  'lt', 'lte', 'gt', 'gte', 'semver_eq', 'semver_lt', 'semver_lte', 'semver_gt', 'semver_gte',
  'before', 'after', 'exists', 'in_cidr', 'semver_range',
];

let loaded: RepoLoadResult;
let tenants: TenantState[];

beforeAll(async () => {
  loaded = await loadRepository(flagsDir);
  tenants = loaded.tenants;
});

function allFlags(): Flag[] {
  return tenants.flatMap((t) => t.flags);
}

function envConfigs() {
  return allFlags().flatMap((f) => Object.entries(f.environments ?? {}).map(([env, config]) => ({ flag: f, env, config: config! })));
}

function allConditions(): Condition[] {
  const fromRules = envConfigs().flatMap(({ config }) => (config.rules ?? []).flatMap((r) => r.conditions ?? []));
  const fromSegments = tenants.flatMap((t) => t.segments.flatMap((s) => s.conditions ?? []));
  return [...fromRules, ...fromSegments];
}

function allServes() {
  return envConfigs().flatMap(({ config }) => [
    ...(config.rules ?? []).map((r) => ({ where: 'rule' as const, serve: r.serve })),
    ...(config.default ? [{ where: 'default' as const, serve: config.default }] : []),
  ]);
}

describe('flags/ loads cleanly', () => {
  it('has no error diagnostics', () => {
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => `${d.file}:${d.line}:${d.column} ${d.code} ${d.message}`)).toEqual([]);
  });

  it('has no warnings either (it is the example people copy)', () => {
    expect(loaded.diagnostics.map((d) => `${d.file}:${d.line} ${d.code} ${d.message}`)).toEqual([]);
  });

  it('has two tenants with three environments each', () => {
    expect(tenants.map((t) => t.tenant)).toEqual(['acme', 'globex']);
    for (const t of tenants) expect(t.environments.map((e) => e.key)).toEqual(['development', 'staging', 'production']);
  });

  it('has at least 12 flags and 4 segments, spread over both tenants', () => {
    expect(allFlags().length).toBeGreaterThanOrEqual(12);
    expect(tenants.flatMap((t) => t.segments).length).toBeGreaterThanOrEqual(4);
    for (const t of tenants) {
      expect(t.flags.length).toBeGreaterThanOrEqual(5);
      expect(t.segments.length).toBeGreaterThanOrEqual(2);
    }
  });
});

describe('flags/ files', () => {
  it('spreads each tenant over several files, including a sub-folder', () => {
    for (const tenant of ['acme', 'globex']) {
      const files = loaded.files.filter((f) => f.split(/[\\/]/).includes(tenant));
      expect(files.length).toBeGreaterThanOrEqual(4);
      const depths = files.map((f) => path.relative(path.join(flagsDir, tenant), path.resolve(flagsDir, f.replace(/^flags[\\/]/, ''))).split(path.sep).length);
      expect(Math.max(...depths)).toBeGreaterThanOrEqual(2);
    }
  });

  it('starts every file with a yaml-language-server $schema line that resolves to the right schema', () => {
    expect(loaded.files.length).toBeGreaterThanOrEqual(8);
    for (const file of loaded.files) {
      const absolute = path.isAbsolute(file) ? file : [path.resolve(root, file), path.resolve(flagsDir, file)].find(existsSync)!;
      const firstLine = readFileSync(absolute, 'utf8').split('\n')[0]!;
      const match = /^# yaml-language-server: \$schema=(\S+)$/.exec(firstLine);
      expect(match, `${file}: first line`).not.toBeNull();
      const kind = path.basename(absolute) === 'tenant.yaml' ? 'tenant' : 'flags-file';
      expect(path.resolve(path.dirname(absolute), match![1]!), file).toBe(path.join(root, 'schemas', `${kind}.schema.json`));
    }
  });
});

describe('flags/ uses every feature at least once', () => {
  it.each(ALL_OPERATORS)('operator %s', (operator) => {
    expect(allConditions().some((c) => c.operator === operator)).toBe(true);
  });

  it('negate on an attribute condition and on a segment condition', () => {
    expect(allConditions().some((c) => c.negate === true && c.attribute !== undefined)).toBe(true);
    expect(allConditions().some((c) => c.negate === true && c.segment !== undefined)).toBe(true);
  });

  it('negate on exists (matches a missing attribute)', () => {
    expect(allConditions().some((c) => c.operator === 'exists' && c.negate === true)).toBe(true);
  });

  it('caseInsensitive on a string operator and on in', () => {
    expect(allConditions().some((c) => c.caseInsensitive === true && ['ends_with', 'starts_with', 'contains', 'matches'].includes(c.operator ?? ''))).toBe(true);
    expect(allConditions().some((c) => c.caseInsensitive === true && c.operator === 'in')).toBe(true);
  });

  it('segments with include, exclude, match any and match all, used by rules', () => {
    const segments = tenants.flatMap((t) => t.segments);
    expect(segments.some((s) => (s.include ?? []).length > 0)).toBe(true);
    expect(segments.some((s) => (s.exclude ?? []).length > 0)).toBe(true);
    expect(segments.some((s) => s.match === 'any')).toBe(true);
    expect(segments.some((s) => s.match === 'all' || s.match === undefined)).toBe(true);
    expect(allConditions().some((c) => c.segment !== undefined)).toBe(true);
  });

  it('lifecycle metadata, a prerequisite and a progressive rollout (schedule)', () => {
    expect(allFlags().some((f) => f.kind !== undefined && f.kind !== 'release')).toBe(true);
    expect(allFlags().some((f) => f.expires !== undefined)).toBe(true);
    expect(allFlags().some((f) => (f.prerequisites ?? []).length > 0)).toBe(true);
    expect(allServes().some(({ serve }) => (serve.schedule ?? []).some((s) => s.rollout !== undefined))).toBe(true);
  });

  it('individual targets', () => {
    expect(envConfigs().some(({ config }) => Object.values(config.targets ?? {}).some((keys) => (keys ?? []).length > 0))).toBe(true);
  });

  it('an environment disabled, and a tenant environment a flag does not list', () => {
    expect(envConfigs().some(({ config }) => config.enabled === false)).toBe(true);
    const unlisted = tenants.some((t) => t.flags.some((f) => t.environments.some((e) => f.environments?.[e.key] === undefined)));
    expect(unlisted).toBe(true);
  });

  it('a default rollout, a rule rollout with bucketBy, and a 3-way split', () => {
    const serves = allServes();
    expect(serves.some((s) => s.where === 'default' && s.serve.rollout !== undefined)).toBe(true);
    expect(serves.some((s) => s.where === 'rule' && s.serve.rollout !== undefined && s.serve.bucketBy !== undefined)).toBe(true);
    expect(serves.some((s) => Object.keys(s.serve.rollout ?? {}).length === 3)).toBe(true);
  });

  it('a salt and a per-environment offVariant', () => {
    expect(allFlags().some((f) => f.salt !== undefined)).toBe(true);
    expect(envConfigs().some(({ config }) => config.offVariant !== undefined)).toBe(true);
  });

  it('all four flag types', () => {
    expect(new Set(allFlags().map((f) => f.type))).toEqual(new Set(['boolean', 'string', 'number', 'object']));
  });

  it('rules with several conditions (all must match)', () => {
    expect(envConfigs().some(({ config }) => (config.rules ?? []).some((r) => (r.conditions ?? []).length >= 2))).toBe(true);
  });
});

describe('flags/README.md scenarios evaluate as described', () => {
  function answer(tenant: string, env: string, flagKey: string, context: Record<string, unknown>) {
    const state = tenants.find((t) => t.tenant === tenant)!;
    const r = evaluate(buildSnapshot(state, env, 1), flagKey, context);
    return { variant: r.variant, reason: r.reason, ruleId: r.ruleId, errorCode: r.errorCode };
  }

  it('acme staff get the new checkout in production, by e-mail domain in any case', () => {
    expect(answer('acme', 'production', 'new-checkout', { targetingKey: 'u-1', email: 'Jane.Doe@ACME.com' })).toMatchObject({
      variant: 'on',
      reason: 'TARGETING_MATCH',
      ruleId: 'staff',
    });
  });

  it('Internet Explorer stays on the classic checkout, even for staff', () => {
    const ua = 'Mozilla/5.0 (Windows NT 10.0; Trident/7.0; rv:11.0) like Gecko';
    expect(answer('acme', 'production', 'new-checkout', { targetingKey: 'u-1', email: 'jane@acme.com', userAgent: ua })).toMatchObject({
      variant: 'off',
      ruleId: 'legacy-browsers',
    });
  });

  it('an excluded account is not staff even with an employee id', () => {
    expect(answer('acme', 'production', 'new-checkout', { targetingKey: 'user-offboarded-4711', employeeId: 'E1' }).ruleId).not.toBe('staff');
  });

  it('the rate limit is unlimited in development, where the flag is disabled with a per-environment offVariant', () => {
    expect(answer('acme', 'development', 'api-rate-limit', { targetingKey: 'client-1' })).toMatchObject({ variant: 'unlimited', reason: 'DISABLED' });
  });

  it('the pricing experiment splits by account, so two users of one account see the same prices', () => {
    const a = answer('acme', 'production', 'pricing-experiment', { targetingKey: 'u-1', accountId: 'acct-42', plan: 'pro', country: 'US' });
    const b = answer('acme', 'production', 'pricing-experiment', { targetingKey: 'u-2', accountId: 'acct-42', plan: 'pro', country: 'US' });
    expect(a.reason).toBe('SPLIT');
    expect(b.variant).toBe(a.variant);
  });

  it('the pricing experiment is off in development (not listed there)', () => {
    expect(answer('acme', 'development', 'pricing-experiment', { targetingKey: 'u-1' })).toMatchObject({ variant: 'control', reason: 'DISABLED' });
  });

  it('the summer sale banner appears only after its start date', () => {
    expect(answer('acme', 'production', 'promo-banner', { targetingKey: 'u', now: '2026-05-31T23:00:00Z' }).variant).toBe('free-returns');
    expect(answer('acme', 'production', 'promo-banner', { targetingKey: 'u', now: '2026-07-01T10:00:00Z' }).variant).toBe('summer-sale');
  });

  it('globex holds back the crashy 4.3.1 build from the new onboarding', () => {
    expect(answer('globex', 'production', 'mobile-new-onboarding', { targetingKey: 'd', deviceId: 'd', appVersion: '4.3.1', platform: 'ios' })).toMatchObject({
      variant: 'disabled',
      ruleId: 'crashy-build',
    });
  });

  it('globex forces an update on very old app builds', () => {
    expect(answer('globex', 'production', 'mobile-update-prompt', { targetingKey: 'd', appVersion: 'v3.1.0' }).variant).toBe('force');
    expect(answer('globex', 'production', 'mobile-update-prompt', { targetingKey: 'd', appVersion: '3.5.0' }).variant).toBe('suggest');
  });

  it('globex blocks crawlers by user agent, case-insensitively', () => {
    expect(answer('globex', 'production', 'block-scrapers', { targetingKey: 'ip-1', userAgent: 'Mozilla/5.0 (compatible; GoogleBot/2.1)' })).toMatchObject({
      variant: 'block',
      ruleId: 'crawlers',
    });
  });

  it('the spring promo is hidden from customers who already redeemed a coupon', () => {
    expect(answer('globex', 'production', 'spring-promo', { targetingKey: 'u', now: '2026-04-01T00:00:00Z' }).variant).toBe('spring');
    expect(answer('globex', 'production', 'spring-promo', { targetingKey: 'u', now: '2026-04-01T00:00:00Z', couponCode: 'X' }).variant).toBe('hidden');
  });
});
