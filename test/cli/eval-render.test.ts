import { describe, expect, it } from 'vitest';
import type { EvalView } from '../../cli/actions/eval.js';
import { hasAnsi, plain, paletteFor } from '../../cli/io/colors.js';
import { renderEvalJson } from '../../cli/render/eval-json.js';
import { renderEvalText } from '../../cli/render/eval-text.js';
import { renderExplainText, rolloutRanges } from '../../cli/render/explain-text.js';
import { formatBucket, formatJson, formatPercent } from '../../cli/render/format-values.js';
import type { ExplainTrace, WireEvaluation } from '../../core/engine/types.js';

const splitAnswer: WireEvaluation = {
  flag_key: 'new-checkout',
  value: true,
  variant: 'on',
  reason: 'SPLIT',
  rule_id: 'gradual',
  details: { bucket: 0.125 },
  revision: 0,
};

const trace: ExplainTrace = {
  flagKey: 'new-checkout',
  environment: 'production',
  revision: 0,
  flagFound: true,
  enabled: true,
  target: { matched: false },
  rules: [
    {
      index: 0,
      ruleId: 'enterprise',
      matched: false,
      conditions: [
        {
          index: 0,
          kind: 'attribute',
          matched: true,
          attribute: 'plan',
          operator: 'equals',
          expected: 'enterprise',
          actual: 'enterprise',
          explanation: 'plan = "enterprise"',
        },
        {
          index: 1,
          kind: 'segment',
          matched: false,
          explanation: 'not a member',
          segment: {
            key: 'beta-testers',
            matched: false,
            via: 'conditions',
            match: 'any',
            conditions: [
              {
                index: 0,
                kind: 'attribute',
                matched: false,
                attribute: 'email',
                operator: 'ends_with',
                expected: '@acme.com',
                actual: 'x@example.org',
                explanation: 'email = "x@example.org" does not end with "@acme.com"',
              },
            ],
          },
        },
      ],
    },
    { index: 1, ruleId: 'gradual', matched: true, conditions: [] },
  ],
  served: {
    by: 'rule',
    ruleId: 'gradual',
    variant: 'on',
    rollout: { bucketBy: 'targetingKey', bucketValue: 'user-1', bucket: 0.125, weights: { on: 25, off: 75 } },
  },
  result: {
    flagKey: 'new-checkout',
    value: true,
    variant: 'on',
    reason: 'SPLIT',
    ruleId: 'gradual',
    bucket: 0.125,
  },
};

const view: EvalView = { tenant: 'acme', environment: 'production', evaluation: splitAnswer };

describe('eval text', () => {
  it('shows flag, value, variant, reason, rule and bucket', () => {
    expect(renderEvalText(view, plain)).toBe(
      [
        'flag      new-checkout  (tenant acme, environment production)',
        'value     true',
        'variant   on',
        'reason    SPLIT',
        'rule      gradual',
        'bucket    0.125 (12.5%)',
        '',
      ].join('\n'),
    );
  });

  it('shows the error code and message, and no rule or bucket when absent', () => {
    const text = renderEvalText(
      {
        ...view,
        evaluation: {
          flag_key: 'nope',
          value: null,
          variant: null,
          reason: 'ERROR',
          error_code: 'FLAG_NOT_FOUND',
          error_message: 'flag "nope" does not exist',
          details: {},
          revision: 0,
        },
      },
      plain,
    );
    expect(text).toContain('value     null\n');
    expect(text).toContain('variant   (none)\n');
    expect(text).toContain('error     FLAG_NOT_FOUND: flag "nope" does not exist\n');
    expect(text).not.toContain('rule ');
    expect(text).not.toContain('bucket');
  });

  it('indents multi-line object values under their label', () => {
    const text = renderEvalText({ ...view, evaluation: { ...splitAnswer, value: { limit: 10 } } }, plain);
    expect(text).toContain('value     {\n            "limit": 10\n          }\n');
  });

  it('is identical for the same view however it was obtained (local or --remote)', () => {
    const roundTripped = JSON.parse(JSON.stringify({ ...view, trace })) as EvalView;
    expect(renderEvalText(roundTripped, plain)).toBe(renderEvalText({ ...view, trace }, plain));
  });

  it('has no ANSI escapes with a plain palette, some with colours on', () => {
    expect(hasAnsi(renderEvalText({ ...view, trace }, plain))).toBe(false);
    expect(hasAnsi(renderEvalText({ ...view, trace }, paletteFor({ isTTY: true }, {})))).toBe(true);
  });
});

describe('explain printer', () => {
  const text = renderExplainText(trace, plain);

  it('prints each rule, each condition, and why it matched or not', () => {
    expect(text).toContain('✗ rule 1 enterprise: no match');
    expect(text).toContain('✓ plan equals "enterprise"  — plan = "enterprise"');
    expect(text).toContain('✗ in segment beta-testers  — not a member');
    expect(text).toContain('✓ rule 2 gradual: matched');
    expect(text).toContain('(no conditions: always matches)');
  });

  it('explains segment membership and nests its conditions deeper', () => {
    expect(text).toMatch(/\n {6}match any: no condition matched\n/);
    const conditionLine = text.split('\n').find((l) => l.includes('email ends_with'));
    expect(conditionLine).toMatch(/^ {6}✗ email ends_with "@acme.com"/);
  });

  it('prints the rollout: bucketing attribute, value, bucket and every range in engine order', () => {
    expect(text).toContain('rule gradual decided: served on');
    expect(text).toContain('rollout on targetingKey = "user-1", bucket 0.125');
    const lines = text.split('\n');
    // ff-bucket-v1 lays variants out in code-unit order: "off" before "on".
    expect(lines.findIndex((l) => /off\s+75%\s+\[0%, 75%\)/.test(l))).toBeGreaterThan(-1);
    expect(lines.find((l) => /on\s+25%\s+\[75%, 100%\)/.test(l))).toMatch(/← bucket$/);
  });

  it('gives the membership step that decided a segment', () => {
    const segmentTrace = (segment: Partial<NonNullable<ExplainTrace['rules'][number]['conditions'][number]['segment']>>) =>
      renderExplainText(
        {
          ...trace,
          rules: [
            {
              index: 0,
              ruleId: 'r',
              matched: segment.matched ?? false,
              conditions: [
                {
                  index: 0,
                  kind: 'segment',
                  matched: segment.matched ?? false,
                  explanation: '…',
                  segment: { key: 's', matched: false, via: 'conditions', ...segment },
                },
              ],
            },
          ],
        },
        plain,
      );
    expect(segmentTrace({ via: 'exclude' })).toContain('targeting key is on the exclude list (never a member)');
    expect(segmentTrace({ via: 'include', matched: true })).toContain('targeting key is on the include list (always a member)');
    expect(segmentTrace({ via: 'no-conditions' })).toContain('no conditions, and the targeting key is not on the include list');
    expect(segmentTrace({ match: 'all', matched: true })).toContain('match all: every condition matched');
    expect(segmentTrace({ match: 'all' })).toContain('match all: a condition failed');
    expect(segmentTrace({ match: 'any', matched: true })).toContain('match any: a condition matched');
  });

  it('covers a missing flag, a disabled flag, a target match and an error', () => {
    const base = { ...trace, rules: [], target: undefined };
    expect(renderExplainText({ ...base, flagFound: false, enabled: undefined, served: { by: 'error', variant: null } }, plain)).toContain(
      '✗ flag not found',
    );
    expect(renderExplainText({ ...base, enabled: false, served: { by: 'off', variant: 'off' } }, plain)).toMatch(
      /✗ disabled in production[\s\S]*flag disabled: served the off variant off/,
    );
    expect(
      renderExplainText({ ...base, target: { matched: true, variant: 'on' }, served: { by: 'target', variant: 'on' } }, plain),
    ).toContain('✓ individual targets: targeting key listed for on');
    const missingKey = renderExplainText(
      {
        ...base,
        served: { by: 'error', variant: 'off', rollout: { bucketBy: 'accountId', weights: { on: 1, off: 1 } } },
        result: { ...trace.result, reason: 'ERROR', errorCode: 'TARGETING_KEY_MISSING', errorMessage: 'no accountId' },
      },
      plain,
    );
    expect(missingKey).toContain('error TARGETING_KEY_MISSING: no accountId; served off');
    const ruleError = renderExplainText(
      {
        ...base,
        served: { by: 'rule', ruleId: 'r', variant: 'off', rollout: { bucketBy: 'accountId', weights: { on: 1 } } },
        result: { ...trace.result, reason: 'ERROR', errorCode: 'TARGETING_KEY_MISSING' },
      },
      plain,
    );
    expect(ruleError).toContain('rule r decided: served off; error TARGETING_KEY_MISSING');
    expect(missingKey).toContain('rollout on accountId = missing');
    expect(missingKey).not.toContain('← bucket');
  });
});

describe('rollout ranges', () => {
  it('normalizes weights that do not sum to 100 and ends exactly at 1', () => {
    const ranges = rolloutRanges({ b: 1, a: 2, c: 1 });
    expect(ranges.map((r) => r.variant)).toEqual(['a', 'b', 'c']);
    expect(ranges.map((r) => r.share)).toEqual([0.5, 0.25, 0.25]);
    expect(ranges[0]!.from).toBe(0);
    expect(ranges.at(-1)!.to).toBe(1);
  });

  it('gives zero-weight variants an empty range', () => {
    const [a, b] = rolloutRanges({ a: 0, b: 5 });
    expect(a).toEqual({ variant: 'a', share: 0, from: 0, to: 0 });
    expect(b).toEqual({ variant: 'b', share: 1, from: 0, to: 1 });
  });
});

describe('eval json', () => {
  it('is the wire answer, plus the trace with --explain', () => {
    expect(JSON.parse(renderEvalJson(view))).toEqual(splitAnswer);
    expect(JSON.parse(renderEvalJson({ ...view, trace }))).toEqual({ ...splitAnswer, trace });
  });
});

describe('value formatting', () => {
  it('formats JSON values, percentages and buckets', () => {
    expect(formatJson('on')).toBe('"on"');
    expect(formatJson({})).toBe('{}');
    expect(formatPercent(1 / 3)).toBe('33.3333%');
    expect(formatBucket(0.5)).toBe('0.5 (50%)');
  });
});
