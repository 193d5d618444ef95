import { describe, expect, it } from 'vitest';
import { CliError } from '../../cli/errors.js';
import { parseSavedPlan, serializeSavedPlan, toSavedPlan } from '../../cli/plan-file/saved-plan.js';
import { mixedPlan } from './fixtures/plans.js';

const saved = () => {
  const plan = mixedPlan();
  return toSavedPlan({
    tenant: 'shop',
    environments: null,
    server: 'http://localhost:8000',
    base_revision: plan.base_revision,
    plan_hash: plan.plan_hash ?? '',
    files_hash: `sha256:${'a'.repeat(64)}`,
    commit: { sha: 'abcdef1234567', dirty: false },
    state: { tenant: 'shop', environments: [{ key: 'prod' }], flags: [], segments: [] },
    plan,
  });
};

describe('saved plans', () => {
  it('round-trip through their JSON form, format and version first', () => {
    const text = serializeSavedPlan(saved());
    expect(Object.keys(JSON.parse(text) as object).slice(0, 2)).toEqual(['format', 'version']);
    expect(parseSavedPlan(text, 'p.json')).toEqual(saved());
  });

  const broken: [string, (doc: Record<string, unknown>) => unknown, RegExp][] = [
    ['not JSON', () => '{', /not JSON/],
    ['another format', (d) => ({ ...d, format: 'terraform' }), /"format" is not "ff-saved-plan"/],
    ['a future version', (d) => ({ ...d, version: 3 }), /version 3 is not one this ff reads \(2\)/],
    ['the previous version', (d) => ({ ...d, version: 1 }), /version 1 is not one this ff reads \(2\): re-run ff plan --out/],
    ['no tenant', (d) => ({ ...d, tenant: undefined }), /"tenant" is missing/],
    ['bad environments', (d) => ({ ...d, environments: 'prod' }), /"environments"/],
    ['a negative revision', (d) => ({ ...d, base_revision: -1 }), /"base_revision"/],
    ['no hash', (d) => ({ ...d, files_hash: 'abc' }), /"files_hash"/],
    ['no plan hash', (d) => ({ ...d, plan_hash: undefined }), /"plan_hash"/],
    ['no commit', (d) => ({ ...d, commit: undefined }), /"commit"/],
    ['no desired state', (d) => ({ ...d, state: undefined }), /"state"/],
    ['the state of another tenant', (d) => ({ ...d, state: { ...(d.state as object), tenant: 'other' } }), /"state"/],
    ['a plan hash the plan does not have', (d) => ({ ...d, plan_hash: `sha256:${'b'.repeat(64)}` }), /not the plan the file says/],
    ['no plan', (d) => ({ ...d, plan: { format_version: 2 } }), /"plan" is not a plan document/],
    ['a plan of another tenant', (d) => ({ ...d, plan: { ...(d.plan as object), tenant: 'other' } }), /another tenant/],
  ];
  it.each(broken)('are refused when they have %s', (_name, mutate, message) => {
    const doc = JSON.parse(serializeSavedPlan(saved())) as Record<string, unknown>;
    const changed = mutate(doc);
    const text = typeof changed === 'string' ? changed : JSON.stringify(changed);
    let error: unknown;
    try {
      parseSavedPlan(text, 'p.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).code).toBe('PLAN_FILE_INVALID');
    expect((error as CliError).message).toMatch(message);
    expect((error as CliError).message.startsWith('p.json is not a saved plan ff can apply: ')).toBe(true);
  });
});
