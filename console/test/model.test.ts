// What the console derives from flag documents, without a browser.
import { describe, expect, it } from 'vitest';
import type { Flag, Segment } from '../../core/model/index.js';
import { hasUsage, lastEvaluated, type FlagListItem, type FlagView } from '../src/api.js';
import { attributesUsed, describeCondition, describeRule, parseContext, rolloutShares, summarize, withAttribute, withEnabled } from '../src/model.js';

const flag: Flag = {
  key: 'checkout',
  type: 'boolean',
  variants: { on: true, off: false },
  offVariant: 'off',
  environments: {
    production: {
      enabled: true,
      targets: { on: ['a', 'b'], off: ['c'] },
      rules: [
        { id: 'staff', conditions: [{ segment: 'staff' }, { attribute: 'plan', operator: 'in', value: ['pro', 'team'] }], serve: { variant: 'on' } },
        { id: 'ramp', serve: { rollout: { on: 1, off: 3 }, bucketBy: 'accountId' } },
      ],
      default: { rollout: { on: 25, off: 75 } },
    },
    staging: { enabled: false },
  },
};
const segments = new Map<string, Segment>([['staff', { key: 'staff', conditions: [{ attribute: 'email', operator: 'ends_with', value: '@acme.test' }] }]]);

describe('console model', () => {
  it('summarizes an environment: state, serve in words, weights normalized, counts', () => {
    expect(summarize(flag, 'production')).toEqual({
      configured: true,
      enabled: true,
      serves: 'off 75% · on 25%',
      rollout: [
        { variant: 'off', share: 0.75 },
        { variant: 'on', share: 0.25 },
      ],
      rules: 2,
      firstRule: 'if in segment staff and plan in ["pro", "team"] → serve on',
      targets: 3,
    });
    expect(summarize(flag, 'staging')).toMatchObject({ configured: true, enabled: false, serves: 'off (disabled)', rollout: null });
    expect(summarize(flag, 'development')).toMatchObject({ configured: false, serves: 'off (not configured)' });
  });

  it('renders conditions and rules readably', () => {
    expect(describeCondition({ attribute: 'country', operator: 'not_in', value: ['DE'], negate: true, caseInsensitive: true })).toBe('country not not in ["DE"] (any case)');
    expect(describeCondition({ segment: 'beta', negate: true })).toBe('not in segment beta');
    expect(describeRule({ id: 'x', serve: { rollout: { b: 1, a: 1 }, bucketBy: 'org' } }, 'off')).toBe('always → serve a 50% · b 50% by org');
    expect(rolloutShares({ on: 0, off: 0 })).toEqual([
      { variant: 'off', share: 0 },
      { variant: 'on', share: 0 },
    ]);
  });

  it('suggests the attributes the targeting reads, segments followed', () => {
    expect(attributesUsed(flag, 'production', segments)).toEqual(['targetingKey', 'email', 'plan', 'accountId']);
    expect(attributesUsed(flag, 'staging', segments)).toEqual(['targetingKey']);
  });

  it('checks the context and adds a suggested attribute', () => {
    expect(parseContext('{"a":1}')).toEqual({ ok: true, context: { a: 1 } });
    expect(parseContext('[1]')).toEqual({ ok: false, message: 'the context must be a JSON object' });
    expect(parseContext('{').ok).toBe(false);
    expect(JSON.parse(withAttribute('{"targetingKey":"u"}', 'plan'))).toEqual({ targetingKey: 'u', plan: '' });
    expect(withAttribute('{"plan":"x"}', 'plan')).toBe('{"plan":"x"}');
    expect(withAttribute('{', 'plan')).toBe('{');
  });

  it('break-glass changes only enabled in one environment, and refuses an unconfigured one', () => {
    const off = withEnabled(flag, 'production', false)!;
    expect(off.environments?.production).toEqual({ ...flag.environments!.production, enabled: false });
    expect(off.environments?.staging).toBe(flag.environments!.staging);
    expect(flag.environments!.production!.enabled).toBe(true);
    expect(withEnabled(flag, 'development', false)).toBeNull();
  });
});

describe('usage, when GET /v1/flags and GET /v1/flags/{key} report it', () => {
  const view = (usage?: FlagListItem['usage']): Omit<FlagView, 'usage'> & { usage?: FlagView['usage'] } => ({ data: flag, meta: {} as FlagView['meta'], ...(usage === undefined ? {} : { usage }) });
  it('reads the latest evaluation overall or in one environment; absent usage is no column', () => {
    const used = view({ last_evaluated_at: '2026-12-01T10:00:00.000Z', evaluations: 5, environments: { production: { last_evaluated_at: '2026-12-01T10:00:00.000Z', evaluations: 5 } } });
    expect(hasUsage(used)).toBe(true);
    expect(lastEvaluated(used)).toBe('2026-12-01T10:00:00.000Z');
    expect(lastEvaluated(used, 'production')).toBe('2026-12-01T10:00:00.000Z');
    expect(lastEvaluated(used, 'staging')).toBeNull();
    const never = view({ last_evaluated_at: null, evaluations: 0, environments: {} });
    expect(hasUsage(never)).toBe(true);
    expect(lastEvaluated(never, 'production')).toBeNull();
    expect(hasUsage(view())).toBe(false);
  });
});
