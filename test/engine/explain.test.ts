import { describe, expect, it } from 'vitest';
import { buildSnapshot, evaluate, explain } from '../../core/engine/index.js';
import type { Condition, Flag, TenantState } from '../../core/model/index.js';
import { snapshotFor, vectorFile } from './vector-table.js';

describe('explain agrees with evaluate', () => {
  it.each(vectorFile.cases.map((c) => [c.name, c] as const))('%s', (_name, vector) => {
    const snapshot = snapshotFor(vector.environment, vector.at);
    const trace = explain(snapshot, vector.flag, vector.context);
    const result = evaluate(snapshot, vector.flag, vector.context);
    expect(trace.result).toStrictEqual(result);
    expect(trace.flagKey).toBe(vector.flag);
    expect(trace.environment).toBe(vector.environment);
    expect(trace.flagFound).toBe(result.errorCode !== 'FLAG_NOT_FOUND');
    expect(trace.served?.variant ?? null).toBe(result.variant);
    // Rules: every traced rule before the last failed; the last matched iff a rule decided.
    const matchedRules = trace.rules.filter((rule) => rule.matched);
    if (result.ruleId === undefined) {
      expect(matchedRules).toHaveLength(0);
    } else {
      expect(matchedRules.map((rule) => rule.ruleId)).toStrictEqual([result.ruleId]);
      expect(trace.rules.at(-1)?.ruleId).toBe(result.ruleId);
      expect(trace.served?.ruleId).toBe(result.ruleId);
    }
    // A failed rule stops at its first failing condition.
    for (const rule of trace.rules) {
      const failing = rule.conditions.findIndex((c) => !c.matched);
      expect(rule.matched).toBe(failing === -1);
      if (failing !== -1) expect(rule.conditions).toHaveLength(failing + 1);
    }
    if (result.reason === 'SPLIT') expect(trace.served?.rollout?.bucket).toBe(result.bucket);
  });
});

const tenant = (flags: Flag[], segments: TenantState['segments'] = []): TenantState => ({
  tenant: 'acme',
  environments: [{ key: 'production' }],
  flags,
  segments,
});

const ruleFlag = (conditions: Condition[], extra: Partial<Flag> = {}): Flag => ({
  key: 'f',
  type: 'boolean',
  variants: { on: true, off: false },
  offVariant: 'off',
  environments: {
    production: {
      enabled: true,
      targets: { on: ['vip'] },
      rules: [
        { id: 'first', conditions, serve: { variant: 'on' } },
        { id: 'split', serve: { rollout: { on: 1, off: 3 }, bucketBy: 'accountId' } },
      ],
    },
  },
  ...extra,
});

describe('explain traces', () => {
  it('stops a rule at its first failing condition and explains each condition tried', () => {
    const snapshot = buildSnapshot(
      tenant([
        ruleFlag([
          { attribute: 'plan', operator: 'equals', value: 'pro' },
          { attribute: 'age', operator: 'gte', value: 18 },
          { attribute: 'country', operator: 'exists' },
        ]),
      ]),
      'production',
      3,
    );
    const trace = explain(snapshot, 'f', { targetingKey: 'u', plan: 'pro', age: '30', accountId: 'acct-9' });
    expect(trace.enabled).toBe(true);
    expect(trace.target).toStrictEqual({ matched: false });
    const [first, second] = trace.rules;
    expect(first?.matched).toBe(false);
    expect(first?.conditions).toHaveLength(2);
    expect(first?.conditions[0]).toMatchObject({ index: 0, kind: 'attribute', matched: true, attribute: 'plan', operator: 'equals', expected: 'pro', actual: 'pro' });
    expect(first?.conditions[1]).toMatchObject({ index: 1, matched: false, attribute: 'age', actual: '30' });
    expect(first?.conditions[1]?.explanation).toContain('a string');
    expect(first?.conditions[1]?.explanation).toContain('never matches');
    expect(second).toMatchObject({ ruleId: 'split', matched: true, conditions: [] });
    expect(trace.served).toMatchObject({
      by: 'rule',
      ruleId: 'split',
      rollout: { bucketBy: 'accountId', bucketValue: 'acct-9', weights: { on: 1, off: 3 } },
    });
    expect(trace.served?.rollout?.bucket).toBe(trace.result.bucket);
    expect(trace.result.reason).toBe('SPLIT');
  });

  it('explains missing attributes, negation, and a rollout that cannot bucket', () => {
    const snapshot = buildSnapshot(
      tenant([ruleFlag([{ attribute: 'email', operator: 'ends_with', value: '@acme.com', negate: true }])]),
      'production',
      1,
    );
    const missing = explain(snapshot, 'f', { targetingKey: 'u' });
    expect(missing.rules[0]?.conditions[0]?.explanation).toBe(
      'email is missing: the attribute is missing, so it never matches, negated or not',
    );
    expect(missing.rules[0]?.conditions[0]?.negate).toBe(true);
    expect(missing.served).toMatchObject({ by: 'rule', ruleId: 'split', rollout: { bucketBy: 'accountId' } });
    expect(missing.served?.rollout?.bucket).toBeUndefined();
    expect(missing.result).toMatchObject({ reason: 'ERROR', errorCode: 'TARGETING_KEY_MISSING', variant: 'off' });

    const negated = explain(snapshot, 'f', { targetingKey: 'u', email: 'x@other.com' });
    expect(negated.rules[0]?.conditions[0]).toMatchObject({ matched: true, actual: 'x@other.com' });
    expect(negated.rules[0]?.conditions[0]?.explanation).toBe(
      'email = "x@other.com"; ends_with "@acme.com": no; negated: match',
    );
  });

  it('reports a target, a disabled flag, an unknown flag and an invalid context', () => {
    const snapshot = buildSnapshot(
      tenant([ruleFlag([]), { ...ruleFlag([], { key: 'g' }), environments: { production: { enabled: false } } }]),
      'production',
      1,
    );
    expect(explain(snapshot, 'f', { targetingKey: 'vip' })).toMatchObject({
      target: { matched: true, variant: 'on' },
      rules: [],
      served: { by: 'target', variant: 'on' },
      result: { reason: 'TARGETING_MATCH' },
    });
    expect(explain(snapshot, 'g', {})).toMatchObject({ enabled: false, served: { by: 'off', variant: 'off' }, result: { reason: 'DISABLED' } });
    expect(explain(snapshot, 'nope', {})).toMatchObject({ flagFound: false, rules: [], served: { by: 'error' } });
    expect(explain(snapshot, 'f', 'not an object')).toMatchObject({
      flagFound: true,
      served: { by: 'error', variant: 'off' },
      result: { errorCode: 'INVALID_CONTEXT' },
    });
  });

  it('traces segment membership: lists first, then the conditions (any stops at the first match)', () => {
    const snapshot = buildSnapshot(
      tenant(
        [ruleFlag([{ segment: 'beta' }]), ruleFlag([{ segment: 'ghost' }], { key: 'ghostly' })],
        [
          {
            key: 'beta',
            match: 'any',
            include: ['in'],
            exclude: ['out'],
            conditions: [
              { attribute: 'plan', operator: 'equals', value: 'beta' },
              { attribute: 'email', operator: 'contains', value: '@acme' },
              { attribute: 'never', operator: 'exists' },
            ],
          },
        ],
      ),
      'production',
      1,
    );
    const segmentOf = (context: object) => explain(snapshot, 'f', context).rules[0]?.conditions[0]?.segment;
    expect(segmentOf({ targetingKey: 'in' })).toStrictEqual({ key: 'beta', matched: true, via: 'include' });
    expect(segmentOf({ targetingKey: 'out', plan: 'beta' })).toStrictEqual({ key: 'beta', matched: false, via: 'exclude' });
    const byConditions = segmentOf({ targetingKey: 'x', plan: 'free', email: 'a@acme.io' });
    expect(byConditions).toMatchObject({ key: 'beta', matched: true, via: 'conditions', match: 'any' });
    expect(byConditions?.conditions?.map((c) => c.matched)).toStrictEqual([false, true]);
    const ghost = explain(snapshot, 'ghostly', { targetingKey: 'x' }).rules[0]?.conditions[0];
    expect(ghost).toMatchObject({ kind: 'segment', matched: false, explanation: 'never matches: unknown segment "ghost"' });
  });
});
