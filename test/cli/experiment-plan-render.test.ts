// Experiments in a plan: created, changed and deleted like any resource, in
// dependency order (after the flag they sit on; deleted before it), and
// described in one line by the text and markdown renderers.
import { describe, expect, it } from 'vitest';
import { plain } from '../../cli/io/colors.js';
import { renderPlanMarkdown } from '../../cli/render/plan-markdown.js';
import { renderPlanText } from '../../cli/render/plan-text.js';
import { computePlan } from '../../core/diff/index.js';
import type { Experiment, TenantState } from '../../core/model/index.js';

const experiment: Experiment = {
  key: 'checkout-test',
  flag: 'checkout',
  environment: 'production',
  variants: ['off', 'on'],
  start: '2026-12-01',
  metrics: { primary: { event: 'purchase', type: 'conversion' }, guardrails: [{ event: 'revenue', type: 'mean' }] },
};
const base: TenantState = {
  tenant: 'acme',
  environments: [{ key: 'production' }],
  segments: [],
  flags: [{ key: 'checkout', type: 'boolean', variants: { on: true, off: false }, offVariant: 'off', environments: { production: { enabled: true, default: { rollout: { on: 50, off: 50 } } } } }],
};

describe('experiments in a plan', () => {
  it('a new flag with its experiment: the flag first, then the experiment, described in one line', () => {
    const plan = computePlan({ tenant: 'acme', current: { ...base, flags: [] }, desired: { ...base, experiments: [experiment] }, baseRevision: 0 });
    expect(plan.changes.map((c) => `${c.action} ${c.resource} ${c.key}`)).toEqual(['create flag checkout', 'create experiment checkout-test']);
    const text = renderPlanText(plan, plain);
    expect(text).toContain('on flag checkout in production · off vs on · primary purchase + 1 guardrail · from 2026-12-01');
    expect(renderPlanMarkdown(plan)).toContain('checkout-test');
  });

  it('a changed experiment lists its fields; removing both deletes the experiment first', () => {
    const changed = computePlan({ tenant: 'acme', current: { ...base, experiments: [experiment] }, desired: { ...base, experiments: [{ ...experiment, stop: '2027-01-01' }] }, baseRevision: 3 });
    expect(changed.changes).toMatchObject([{ action: 'update', resource: 'experiment', fields: [{ path: 'stop' }] }]);
    const removed = computePlan({ tenant: 'acme', current: { ...base, experiments: [experiment] }, desired: { ...base, flags: [] }, baseRevision: 3 });
    expect(removed.changes.map((c) => `${c.action} ${c.resource}`)).toEqual(['delete experiment', 'delete flag']);
    // An environment-scoped plan leaves tenant-wide experiments alone.
    const scoped = computePlan({ tenant: 'acme', current: base, desired: { ...base, experiments: [experiment] }, baseRevision: 3, environments: ['production'] });
    expect(scoped.changes).toEqual([]);
  });
});
