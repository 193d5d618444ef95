// The semantic layer — the rules a JSON Schema cannot say: keys unique,
// references (environments, segments, variants) resolve, values fit the flag
// type and the operator, rules and defaults reachable, regexes safe — one
// rule at a time, through validateTenantState: each mutation of a valid state
// yields exactly the expected code at the expected JSON pointer.
import { describe, expect, it } from 'vitest';
import type { Condition, Flag, TenantState } from '../../core/model/index.js';
import { validateTenantState } from '../../core/validation/index.js';

function baseState(): TenantState {
  return {
    tenant: 'acme',
    name: 'Acme',
    environments: [{ key: 'staging' }, { key: 'production' }],
    flags: [
      {
        key: 'checkout',
        type: 'boolean',
        variants: { on: true, off: false },
        offVariant: 'off',
        environments: {
          production: {
            enabled: true,
            targets: { on: ['user-1'] },
            rules: [
              {
                id: 'enterprise',
                conditions: [
                  { attribute: 'plan', operator: 'equals', value: 'enterprise' },
                  { segment: 'beta' },
                ],
                serve: { variant: 'on' },
              },
            ],
            default: { rollout: { on: 10, off: 90 }, bucketBy: 'accountId' },
          },
        },
      },
      {
        key: 'limit',
        type: 'number',
        variants: { low: 1, high: 100 },
        offVariant: 'low',
        environments: { staging: { enabled: false } },
      },
    ],
    segments: [{ key: 'beta', match: 'any', conditions: [{ attribute: 'email', operator: 'ends_with', value: '@acme.com' }], include: ['user-7'] }],
  };
}

type Mutation = (state: TenantState) => void;

function flag(state: TenantState, index = 0): Flag {
  return state.flags[index] as Flag;
}

function production(state: TenantState) {
  const env = flag(state).environments?.production;
  if (!env) throw new Error('fixture changed');
  return env;
}

function setCondition(condition: Condition): Mutation {
  return (s) => {
    const rule = production(s).rules?.[0];
    if (rule) rule.conditions = [condition];
  };
}

function check(mutate: Mutation): Array<[string, string | undefined]> {
  const state = baseState();
  mutate(state);
  return validateTenantState(state).map((d) => [d.code, d.path]);
}

const RULE = '/flags/0/environments/production/rules/0';
const COND = RULE + '/conditions/0';

describe('validateTenantState', () => {
  it('accepts the base state with no diagnostics', () => {
    expect(validateTenantState(baseState())).toEqual([]);
  });

  it('gives diagnostics a path and no file', () => {
    const [d] = validateTenantState({ ...baseState(), tenant: 'Bad Tenant' });
    expect(d).toEqual({ code: 'SCHEMA_PATTERN', severity: 'error', message: expect.any(String), path: '/tenant' });
  });

  it('reports schema problems and keeps checking the other flags', () => {
    const state = baseState();
    (flag(state) as unknown as Record<string, unknown>).colour = 'red';
    flag(state, 1).offVariant = 'medium';
    expect(validateTenantState(state).map((d) => [d.code, d.path])).toEqual([
      ['SCHEMA_UNKNOWN_PROPERTY', '/flags/0/colour'],
      ['VARIANT_UNKNOWN', '/flags/1/offVariant'],
    ]);
  });

  it('does not call a segment unknown when it only failed the schema', () => {
    const state = baseState();
    (state.segments[0] as unknown as Record<string, unknown>).match = 'some';
    expect(validateTenantState(state).map((d) => d.code)).toEqual(['SCHEMA_ENUM']);
  });

  it('survives input that is not a state at all', () => {
    const result = validateTenantState('nonsense' as unknown as TenantState);
    expect(result.map((d) => d.code)).toEqual(['SCHEMA_TYPE']);
    const partial = validateTenantState({ tenant: 'acme' } as TenantState);
    expect(partial.map((d) => d.code)).toEqual(['SCHEMA_REQUIRED', 'SCHEMA_REQUIRED', 'SCHEMA_REQUIRED']);
  });
});

describe('semantic rules', () => {
  const cases: Array<[string, Mutation, Array<[string, string]>]> = [
    ['duplicate flag key', (s) => s.flags.push({ ...flag(s, 1) }), [['FLAG_DUPLICATE_KEY', '/flags/2/key']]],
    ['duplicate segment key', (s) => s.segments.push({ key: 'beta', include: ['x'] }), [['SEGMENT_DUPLICATE_KEY', '/segments/1/key']]],
    ['duplicate environment key', (s) => s.environments.push({ key: 'staging' }), [['ENVIRONMENT_DUPLICATE_KEY', '/environments/2/key']]],
    [
      'unknown environment',
      (s) => {
        const envs = flag(s, 1).environments;
        if (envs) envs.prod = { enabled: true };
      },
      [['ENVIRONMENT_UNKNOWN', '/flags/1/environments/prod']],
    ],
    ['expires that is no calendar date', (s) => (flag(s, 1).expires = '2026-02-30'), [['FLAG_EXPIRES_INVALID', '/flags/1/expires']]],
    ['flag with no environments (warning)', (s) => delete flag(s, 1).environments, [['FLAG_NO_ENVIRONMENTS', '/flags/1/key']]],
    ['variant of the wrong type', (s) => (flag(s, 1).variants.high = '100'), [['VARIANT_TYPE_MISMATCH', '/flags/1/variants/high']]],
    ['non-finite number variant', (s) => (flag(s, 1).variants.high = Infinity), [['VARIANT_TYPE_MISMATCH', '/flags/1/variants/high']]],
    [
      'object variant that is a list',
      (s) => {
        flag(s, 1).type = 'object';
        flag(s, 1).variants = { low: { a: 1 }, high: [1] };
      },
      [['VARIANT_TYPE_MISMATCH', '/flags/1/variants/high']],
    ],
    ['unknown offVariant', (s) => (flag(s).offVariant = 'of'), [['VARIANT_UNKNOWN', '/flags/0/offVariant']]],
    ['unknown environment offVariant', (s) => (production(s).offVariant = 'x'), [['VARIANT_UNKNOWN', '/flags/0/environments/production/offVariant']]],
    ['unknown target variant', (s) => (production(s).targets = { maybe: ['u'] }), [['VARIANT_UNKNOWN', '/flags/0/environments/production/targets/maybe']]],
    [
      'key targeted by two variants',
      (s) => (production(s).targets = { on: ['u1', 'u2'], off: ['u2'] }),
      [['TARGET_DUPLICATE', '/flags/0/environments/production/targets/off/0']],
    ],
    ['unknown served variant', (s) => (production(s).default = { variant: 'maybe' }), [['VARIANT_UNKNOWN', '/flags/0/environments/production/default/variant']]],
    [
      'unknown rollout variant',
      (s) => (production(s).default = { rollout: { on: 1, maybe: 1 } }),
      [['VARIANT_UNKNOWN', '/flags/0/environments/production/default/rollout/maybe']],
    ],
    ['all-zero rollout', (s) => (production(s).default = { rollout: { on: 0, off: 0 } }), [['ROLLOUT_ALL_ZERO', '/flags/0/environments/production/default/rollout']]],
    ['negative weight (schema)', (s) => (production(s).default = { rollout: { on: -1, off: 2 } }), [['SCHEMA_RANGE', '/flags/0/environments/production/default/rollout/on']]],
    [
      'serve with variant and rollout',
      (s) => (production(s).default = { variant: 'on', rollout: { on: 1 } }),
      [['SERVE_VARIANT_AND_ROLLOUT', '/flags/0/environments/production/default']],
    ],
    ['serve with neither', (s) => (production(s).default = { bucketBy: 'x' }), [
      ['SERVE_NOTHING', '/flags/0/environments/production/default'],
      ['SERVE_BUCKET_BY_IGNORED', '/flags/0/environments/production/default/bucketBy'],
    ]],
    ['bucketBy on a fixed variant (warning)', (s) => (production(s).default = { variant: 'on', bucketBy: 'x' }), [
      ['SERVE_BUCKET_BY_IGNORED', '/flags/0/environments/production/default/bucketBy'],
    ]],
    [
      'duplicate rule id',
      (s) => production(s).rules?.push({ id: 'enterprise', conditions: [{ attribute: 'a', operator: 'exists' }], serve: { variant: 'off' } }),
      [['RULE_DUPLICATE_ID', RULE.replace(/0$/, '1') + '/id']],
    ],
    [
      'rule after a catch-all rule',
      (s) => {
        const rules = production(s).rules ?? [];
        rules.unshift({ id: 'all', serve: { variant: 'off' } });
      },
      [
        ['RULE_UNREACHABLE', RULE.replace(/0$/, '1')],
        ['DEFAULT_UNREACHABLE', '/flags/0/environments/production/default'],
      ],
    ],
    [
      'empty conditions make a catch-all too',
      (s) => {
        const rules = production(s).rules ?? [];
        rules.unshift({ id: 'all', conditions: [], serve: { variant: 'off' } });
        delete production(s).default;
      },
      [['RULE_UNREACHABLE', RULE.replace(/0$/, '1')]],
    ],
    ['unknown segment', setCondition({ segment: 'bta' }), [['SEGMENT_UNKNOWN', COND + '/segment']]],
    [
      'segment referencing a segment',
      (s) => s.segments.push({ key: 'nested', conditions: [{ segment: 'beta' }] }),
      [['SEGMENT_NESTED', '/segments/1/conditions/0/segment']],
    ],
    ['attribute and segment', setCondition({ attribute: 'a', operator: 'exists', segment: 'beta' }), [['CONDITION_AMBIGUOUS', COND]]],
    ['neither attribute nor segment', setCondition({ negate: true }), [['CONDITION_EMPTY', COND]]],
    ['attribute without operator', setCondition({ attribute: 'plan', value: 'x' }), [['CONDITION_OPERATOR_MISSING', COND]]],
    ['segment with an operator', setCondition({ segment: 'beta', operator: 'equals' }), [['CONDITION_SEGMENT_FIELDS', COND + '/operator']]],
    ['missing value', setCondition({ attribute: 'plan', operator: 'equals' }), [['CONDITION_VALUE_MISSING', COND]]],
    ['exists with a value', setCondition({ attribute: 'plan', operator: 'exists', value: true }), [['CONDITION_VALUE_UNEXPECTED', COND + '/value']]],
    ['equals with a list', setCondition({ attribute: 'plan', operator: 'equals', value: ['a'] }), [['CONDITION_VALUE_TYPE', COND + '/value']]],
    ['in without a list', setCondition({ attribute: 'plan', operator: 'in', value: 'a' }), [['CONDITION_VALUE_TYPE', COND + '/value']]],
    ['not_in with an empty list (warning)', setCondition({ attribute: 'plan', operator: 'not_in', value: [] }), [['CONDITION_EMPTY_LIST', COND + '/value']]],
    ['starts_with a number', setCondition({ attribute: 'plan', operator: 'starts_with', value: 4 }), [['CONDITION_VALUE_TYPE', COND + '/value']]],
    ['lt with a string', setCondition({ attribute: 'age', operator: 'lt', value: '18' }), [['CONDITION_VALUE_TYPE', COND + '/value']]],
    ['semver that is not one', setCondition({ attribute: 'v', operator: 'semver_gt', value: '1.2' }), [['CONDITION_SEMVER_INVALID', COND + '/value']]],
    ['semver as a number', setCondition({ attribute: 'v', operator: 'semver_eq', value: 1.2 }), [['CONDITION_SEMVER_INVALID', COND + '/value']]],
    ['date that is not one', setCondition({ attribute: 'd', operator: 'after', value: 'tomorrow' }), [['CONDITION_DATE_INVALID', COND + '/value']]],
    ['date-time without an offset', setCondition({ attribute: 'd', operator: 'after', value: '2025-01-01T10:00:00' }), [['CONDITION_DATE_INVALID', COND + '/value']]],
    ['invalid regex', setCondition({ attribute: 'e', operator: 'matches', value: '[a-' }), [['REGEX_INVALID', COND + '/value']]],
    ['unsafe regex', setCondition({ attribute: 'e', operator: 'matches', value: '(x+x+)+y' }), [['REGEX_UNSAFE', COND + '/value']]],
    ['in_cidr with a short IPv4', setCondition({ attribute: 'ip', operator: 'in_cidr', value: '10.0.0/8' }), [['CONDITION_CIDR_INVALID', COND + '/value']]],
    ['in_cidr with a prefix too long', setCondition({ attribute: 'ip', operator: 'in_cidr', value: ['10.0.0.0/8', '2001:db8::/129'] }), [['CONDITION_CIDR_INVALID', COND + '/value']]],
    ['in_cidr with octal-looking parts', setCondition({ attribute: 'ip', operator: 'in_cidr', value: '010.0.0.0/8' }), [['CONDITION_CIDR_INVALID', COND + '/value']]],
    ['in_cidr with an empty list', setCondition({ attribute: 'ip', operator: 'in_cidr', value: [] }), [['CONDITION_CIDR_INVALID', COND + '/value']]],
    ['semver_range that is not one', setCondition({ attribute: 'v', operator: 'semver_range', value: '^^1' }), [['CONDITION_SEMVER_RANGE_INVALID', COND + '/value']]],
    ['semver_range as a number', setCondition({ attribute: 'v', operator: 'semver_range', value: 1 }), [['CONDITION_SEMVER_RANGE_INVALID', COND + '/value']]],
    ['regex with a POSIX class (warning)', setCondition({ attribute: 'e', operator: 'matches', value: '^[[:alpha:]]+$' }), [['REGEX_NOT_PORTABLE', COND + '/value']]],
    ['regex with \\A (warning)', setCondition({ attribute: 'e', operator: 'matches', value: '\\Aabc' }), [['REGEX_NOT_PORTABLE', COND + '/value']]],
    ['regex with an inline flag', setCondition({ attribute: 'e', operator: 'matches', value: '(?i)abc' }), [['REGEX_INVALID', COND + '/value']]],
    ['regex over 256 characters', setCondition({ attribute: 'e', operator: 'matches', value: 'a'.repeat(257) }), [['REGEX_TOO_LONG', COND + '/value']]],
    [
      'caseInsensitive on a number operator (warning)',
      setCondition({ attribute: 'age', operator: 'gte', value: 18, caseInsensitive: true }),
      [['CONDITION_OPTION_IGNORED', COND + '/caseInsensitive']],
    ],
    [
      'include and exclude overlap (warning)',
      (s) => ((s.segments[0] as { exclude?: string[] }).exclude = ['user-7']),
      [['SEGMENT_INCLUDE_EXCLUDED', '/segments/0/include/0']],
    ],
    ['segment with no members (warning)', (s) => s.segments.push({ key: 'nobody' }), [['SEGMENT_EMPTY', '/segments/1/key']]],
  ];

  it.each(cases)('%s', (_name, mutate, expected) => {
    expect(check(mutate)).toEqual(expected);
  });

  it('accepts every operator with a value of the right shape', () => {
    const ok: Condition[] = [
      { attribute: 'a', operator: 'equals', value: 'x', caseInsensitive: true },
      { attribute: 'a', operator: 'not_equals', value: 3 },
      { attribute: 'a', operator: 'in', value: ['x', 1, true] },
      { attribute: 'a', operator: 'not_in', value: ['x'] },
      { attribute: 'a', operator: 'contains', value: 'x' },
      { attribute: 'a', operator: 'starts_with', value: 'x' },
      { attribute: 'a', operator: 'ends_with', value: 'x' },
      { attribute: 'a', operator: 'matches', value: '^[a-z]+@acme\\.com$' },
      { attribute: 'a', operator: 'lt', value: 1 },
      { attribute: 'a', operator: 'lte', value: 1.5 },
      { attribute: 'a', operator: 'gt', value: -1 },
      { attribute: 'a', operator: 'gte', value: 0 },
      { attribute: 'a', operator: 'semver_eq', value: '1.2.3' },
      { attribute: 'a', operator: 'semver_lt', value: 'v2.0.0' },
      { attribute: 'a', operator: 'semver_lte', value: '2.0.0-beta.1' },
      { attribute: 'a', operator: 'semver_gt', value: '0.0.1' },
      { attribute: 'a', operator: 'semver_gte', value: '1.0.0+build.5' },
      { attribute: 'a', operator: 'before', value: '2025-01-31' },
      { attribute: 'a', operator: 'after', value: '2025-01-31T09:00:00.123+02:00' },
      { attribute: 'a', operator: 'after', value: 1735689600000 },
      { attribute: 'a', operator: 'exists' },
      { attribute: 'a', operator: 'exists', negate: true },
      { segment: 'beta', negate: true },
    ];
    const state = baseState();
    const rule = production(state).rules?.[0];
    if (rule) rule.conditions = ok;
    expect(validateTenantState(state)).toEqual([]);
  });

  it('names the first occurrence of a duplicate by its path', () => {
    const state = baseState();
    state.flags.push({ ...flag(state, 1) });
    expect(validateTenantState(state)[0]?.message).toBe('flag "limit" is already defined at /flags/1/key');
  });

  it('skips environment checks when the environments themselves are invalid', () => {
    const state = baseState();
    state.environments = [{ key: 'Bad Env' }];
    expect(validateTenantState(state).map((d) => d.code)).toEqual(['SCHEMA_PATTERN']);
  });
});

describe('operand checks for in_cidr, semver_range and regex portability', () => {
  const check = (condition: Condition) => {
    const s = baseState();
    s.flags[0]!.environments!.production!.rules![0]!.conditions = [condition];
    return validateTenantState(s);
  };

  it('accepts IPv4, IPv6 and single-address ranges, and npm ranges', () => {
    expect(check({ attribute: 'ip', operator: 'in_cidr', value: ['10.0.0.0/8', '2001:db8::/32', '203.0.113.7', '::1'] })).toEqual([]);
    for (const value of ['^1.2.0', '~2.1', '1.x', '>=1.0.0 <2.0.0 || 3.x', '1.0.0 - 2.0.0', '*']) {
      expect(check({ attribute: 'v', operator: 'semver_range', value })).toEqual([]);
    }
  });

  it('says why an inline flag is invalid, and what to use', () => {
    const [d] = check({ attribute: 'e', operator: 'matches', value: '(?i)abc' });
    expect(d!.message).toContain('use caseInsensitive: true');
    const [posix] = check({ attribute: 'e', operator: 'matches', value: '^[[:digit:]]$' });
    expect(posix!.severity).toBe('warning');
    expect(posix!.message).toContain('POSIX class');
    // An escaped backslash before A is a literal backslash and A everywhere: portable.
    expect(check({ attribute: 'e', operator: 'matches', value: '\\\\A' })).toEqual([]);
  });
});
