import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CoreError } from '../../core/errors.js';
import { buildSnapshot, compileRegex, evaluate, evaluateAll, explain } from '../../core/engine/index.js';
import type { Condition, Flag, Segment, TenantState } from '../../core/model/index.js';
import { snapshotFor, vectorFile } from './vector-table.js';

const state = (flags: Flag[], segments: Segment[] = []): TenantState => ({
  tenant: 'acme',
  environments: [{ key: 'production' }, { key: 'staging' }],
  flags,
  segments,
});

const flag = (key: string, production: NonNullable<Flag['environments']>[string], extra: Partial<Flag> = {}): Flag => ({
  key,
  type: 'boolean',
  variants: { on: true, off: false },
  offVariant: 'off',
  environments: { production },
  ...extra,
});

const conditionFlag = (condition: Condition): Flag =>
  flag('f', { enabled: true, rules: [{ id: 'r', conditions: [condition], serve: { variant: 'on' } }], default: { variant: 'off' } });

describe('buildSnapshot', () => {
  it('exposes its tenant, environment, revision and sorted flag keys, and is frozen', () => {
    const snapshot = buildSnapshot(state([flag('b', { enabled: true }), flag('a', { enabled: true }, { type: 'string', variants: { on: 'x', off: 'y' } })]), 'production', 42);
    expect(snapshot).toMatchObject({ tenant: 'acme', environment: 'production', revision: 42 });
    expect(snapshot.flagKeys()).toStrictEqual(['a', 'b']);
    expect(snapshot.hasFlag('a')).toBe(true);
    expect(snapshot.hasFlag('c')).toBe(false);
    expect(snapshot.flagType('a')).toBe('string');
    expect(snapshot.flagType('c')).toBeUndefined();
    expect(Object.isFrozen(snapshot)).toBe(true);
    expect(Object.isFrozen(snapshot.flagKeys())).toBe(true);
  });

  it('throws UNKNOWN_ENVIRONMENT for an environment the tenant does not declare', () => {
    const build = () => buildSnapshot(state([]), 'qa', 1);
    expect(build).toThrow(CoreError);
    expect(build).toThrow(expect.objectContaining({ code: 'UNKNOWN_ENVIRONMENT' }));
  });

  it('copies and deep-freezes variant values, so neither the state nor a caller can change an answer', () => {
    const variants = { basic: { limits: { projects: 3 } }, pro: { limits: { projects: 100 } } };
    const input = state([flag('plan', { enabled: true, default: { variant: 'pro' } }, { type: 'object', variants, offVariant: 'basic' })]);
    const snapshot = buildSnapshot(input, 'production', 1);
    variants.pro.limits.projects = 0;
    const value = evaluate(snapshot, 'plan', {}).value as { limits: { projects: number } };
    expect(value.limits.projects).toBe(100);
    expect(Object.isFrozen(value) && Object.isFrozen(value.limits)).toBe(true);
    expect(() => {
      value.limits.projects = 1;
    }).toThrow(TypeError);
  });

  it('keeps the first definition of a duplicated flag or segment key', () => {
    const snapshot = buildSnapshot(
      state(
        [
          flag('dup', { enabled: true, rules: [{ id: 'r', conditions: [{ segment: 's' }], serve: { variant: 'on' } }] }),
          flag('dup', { enabled: false }),
        ],
        [
          { key: 's', include: ['u1'] },
          { key: 's', include: ['u2'] },
        ],
      ),
      'production',
      1,
    );
    expect(evaluate(snapshot, 'dup', { targetingKey: 'u1' })).toMatchObject({ value: true, reason: 'TARGETING_MATCH' });
    expect(evaluate(snapshot, 'dup', { targetingKey: 'u2' })).toMatchObject({ value: false, reason: 'DEFAULT' });
  });

  it('does not throw on a semantically broken state, and the broken parts answer predictably', () => {
    const garbage = [null, 7, 'x', [], { key: 5 }, { key: 'no-variants', type: 'boolean', offVariant: 'off' }] as unknown as Flag[];
    const snapshot = buildSnapshot(
      state([
        ...garbage,
        flag('bad-off', { enabled: false }, { offVariant: 'missing' }),
        flag('bad-rollout', { enabled: true, default: { rollout: { on: 0, off: 0 } } }),
        flag('bad-target', { enabled: true, targets: { nope: ['u'] } }),
        flag('bad-serve', { enabled: true, rules: [{ id: 'both', serve: { variant: 'on', rollout: { on: 1 } } }] }),
        flag('bad-rollout-variant', { enabled: true, default: { rollout: { ghost: 1 } } }),
      ]),
      'production',
      1,
    );
    expect(evaluate(snapshot, 'no-variants', {})).toMatchObject({ value: null, variant: null, reason: 'ERROR', errorCode: 'GENERAL' });
    expect(evaluate(snapshot, 'bad-off', {})).toMatchObject({ value: null, variant: null, reason: 'ERROR', errorCode: 'GENERAL' });
    const empty = evaluate(snapshot, 'bad-rollout', { targetingKey: 'u' });
    expect(empty).toMatchObject({ value: false, variant: 'off', reason: 'ERROR', errorCode: 'GENERAL' });
    expect(empty.bucket).toBeTypeOf('number');
    expect(evaluate(snapshot, 'bad-target', { targetingKey: 'u' })).toMatchObject({ variant: 'off', reason: 'ERROR', errorCode: 'GENERAL' });
    expect(evaluate(snapshot, 'bad-serve', {})).toMatchObject({ variant: 'off', ruleId: 'both', reason: 'ERROR', errorCode: 'GENERAL' });
    expect(evaluate(snapshot, 'bad-rollout-variant', { targetingKey: 'u' })).toMatchObject({ variant: 'off', reason: 'ERROR', errorCode: 'GENERAL' });
    expect(evaluate(snapshot, 'bad-rollout-variant', { targetingKey: 'u' }).errorMessage).toContain('"ghost"');
  });

  it.each<[string, Condition]>([
    ['equals with a list', { attribute: 'a', operator: 'equals', value: ['x'] }],
    ['in with a scalar', { attribute: 'a', operator: 'in', value: 'x' }],
    ['lt with a string', { attribute: 'a', operator: 'lt', value: '5' }],
    ['contains with a number', { attribute: 'a', operator: 'contains', value: 5 }],
    ['semver with an invalid version', { attribute: 'a', operator: 'semver_gt', value: '1.2' }],
    ['before with an invalid date', { attribute: 'a', operator: 'before', value: 'yesterday' }],
    ['an invalid regex', { attribute: 'a', operator: 'matches', value: '(' }],
    ['an unsafe regex', { attribute: 'a', operator: 'matches', value: '(a+)+$' }],
    ['an unknown operator', { attribute: 'a', operator: 'toString' as Condition['operator'] }],
    ['no operator', { attribute: 'a' }],
    ['attribute and segment', { attribute: 'a', operator: 'exists', segment: 's' }],
    ['neither attribute nor segment', { negate: true }],
  ])('a condition with %s never matches, negated or not', (_name, condition) => {
    for (const negate of [false, true]) {
      const snapshot = buildSnapshot(state([conditionFlag({ ...condition, negate })], [{ key: 's', include: ['u'] }]), 'production', 1);
      for (const a of ['x', 5, '(', 'aaaa', '1.2.3', '2024-01-01', null, undefined]) {
        expect(evaluate(snapshot, 'f', { targetingKey: 'u', a })).toMatchObject({ reason: 'DEFAULT', value: false });
      }
      expect(explain(snapshot, 'f', { a: 'x' }).rules[0]?.conditions[0]?.explanation).toMatch(/^never matches: /);
    }
  });
});

describe('compileRegex', () => {
  it('accepts safe patterns up to 256 characters and refuses the rest with a reason', () => {
    expect(compileRegex('^[a-z]+@acme\\.com$', false)).toMatchObject({ ok: true });
    expect(compileRegex('a'.repeat(256), false)).toMatchObject({ ok: true });
    expect(compileRegex('a'.repeat(257), false)).toMatchObject({ ok: false, problem: expect.stringContaining('256') });
    expect(compileRegex('(', false)).toMatchObject({ ok: false, problem: expect.stringContaining('invalid regex') });
    expect(compileRegex('(x+x+)+y', false)).toMatchObject({ ok: false, problem: expect.stringContaining('backtrack') });
    const insensitive = compileRegex('^abc$', true);
    expect(insensitive.ok && insensitive.regex.test('ABC')).toBe(true);
  });
});

describe('evaluateAll', () => {
  it('evaluates every flag in key order, or the listed keys in the order given', () => {
    const snapshot = snapshotFor('production');
    const all = evaluateAll(snapshot, { targetingKey: 'user-1', plan: 'enterprise' });
    expect(all.map((r) => r.flagKey)).toStrictEqual([...snapshot.flagKeys()]);
    expect(all.length).toBe(new Set(vectorFile.flags.map((f) => f.key)).size);
    const listed = evaluateAll(snapshot, { plan: 'enterprise' }, ['op-equals', 'missing', 'targets']);
    expect(listed.map((r) => [r.flagKey, r.reason, r.errorCode])).toStrictEqual([
      ['op-equals', 'TARGETING_MATCH', undefined],
      ['missing', 'ERROR', 'FLAG_NOT_FOUND'],
      ['targets', 'TARGETING_MATCH', undefined],
    ]);
  });
});

describe('evaluation never throws', () => {
  const keys = [...new Set(vectorFile.flags.map((f) => f.key)), 'no-such-flag'];

  it('answers any JSON-like context, and explain gives the same answer', () => {
    const snapshot = snapshotFor('production');
    const context = fc.oneof(
      fc.anything(),
      fc.dictionary(
        fc.constantFrom('targetingKey', 'plan', 'email', 'age', 'version', 'createdAt', 'country', 'accountId', 'constructor', '__proto__'),
        fc.anything(),
      ),
    );
    fc.assert(
      fc.property(fc.constantFrom(...keys), context, (key, ctx) => {
        const result = evaluate(snapshot, key, ctx);
        expect(explain(snapshot, key, ctx).result).toStrictEqual(result);
      }),
      { numRuns: 1000 },
    );
  });

  it('answers a context whose attributes shadow Object.prototype', () => {
    const snapshot = snapshotFor('production');
    const ctx = JSON.parse('{"__proto__": {"plan": "enterprise"}, "toString": "x", "targetingKey": "user-1"}') as object;
    expect(evaluate(snapshot, 'op-equals', ctx)).toMatchObject({ reason: 'DEFAULT' });
    expect(evaluate(snapshot, 'op-equals', Object.create(null))).toMatchObject({ reason: 'DEFAULT' });
  });
});
