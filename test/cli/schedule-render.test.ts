// ff plan shows the timeline of every schedule a plan creates or changes, in
// text and in the pull-request comment, marking the step in force now.
import { describe, expect, it } from 'vitest';
import { computePlan } from '../../core/diff/index.js';
import type { Flag, TenantState } from '../../core/model/index.js';
import { plain } from '../../cli/io/colors.js';
import { renderPlanMarkdown } from '../../cli/render/plan-markdown.js';
import { renderPlanText } from '../../cli/render/plan-text.js';
import { CURRENT } from './fixtures/plans.js';

const scheduled: Flag = {
  key: 'new-checkout',
  type: 'boolean',
  variants: { on: true, off: false },
  offVariant: 'off',
  environments: {
    production: {
      enabled: true,
      default: {
        schedule: [
          { at: '2026-12-01', rollout: { on: 5, off: 95 } },
          { at: '2026-12-07T09:00:00Z', rollout: { on: 25, off: 75 } },
          { at: '2026-12-14', variant: 'on' },
        ],
      },
    },
  },
};
const desired: TenantState = { ...CURRENT, flags: [...CURRENT.flags, scheduled] };
const plan = computePlan({ tenant: 'shop', current: CURRENT, desired, baseRevision: 3 });

describe('schedules in a plan', () => {
  it('text: every step with its shares, the step in force marked', () => {
    const text = renderPlanText(plan, plain, { now: Date.UTC(2026, 11, 8) });
    expect(text).toContain(
      [
        'Schedules (progressive rollouts; each step starts at its time without another apply)',
        '  new-checkout · production · default',
        '      before 2026-12-01: off (everyone)',
        '      from 2026-12-01: 95% off, 5% on',
        '    ▶ from 2026-12-07T09:00Z: 75% off, 25% on  ← now',
        '      from 2026-12-14: on (everyone)',
      ].join('\n'),
    );
  });

  it('markdown: the same timeline in the comment, before the table', () => {
    const md = renderPlanMarkdown(plan, { now: Date.UTC(2026, 10, 1) });
    expect(md).toContain('**Schedules**');
    expect(md).toContain('- `new-checkout · production · default`\n  - **before 2026-12-01: off (everyone)** ← now\n  - from 2026-12-01: 95% off, 5% on\n');
    expect(md.indexOf('**Schedules**')).toBeLessThan(md.indexOf('| action |'));
  });

  it('says nothing about schedules when the plan has none, and marks nothing without a moment', () => {
    const none = computePlan({ tenant: 'shop', current: CURRENT, desired: CURRENT, baseRevision: 3 });
    expect(renderPlanText(none, plain)).not.toContain('Schedules');
    expect(renderPlanText(plan, plain)).not.toContain('← now');
  });
});
