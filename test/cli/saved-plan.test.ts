import { describe, expect, it } from 'vitest';
import { CliError } from '../../cli/errors.js';
import { parseSavedPlan, serializeSavedPlan, toSavedPlan } from '../../cli/plan-file/saved-plan.js';
import { mixedPlan } from './fixtures/plans.js';

const saved = () =>
  toSavedPlan({
    tenant: 'shop',
    environments: null,
    dir: 'flags',
    server: 'http://localhost:8000',
    base_revision: 41,
    files_hash: `sha256:${'a'.repeat(64)}`,
    plan: mixedPlan(),
  });

describe('saved plans', () => {
  it('round-trip through their JSON form, format and version first', () => {
    const text = serializeSavedPlan(saved());
    expect(Object.keys(JSON.parse(text) as object).slice(0, 2)).toEqual(['format', 'version']);
    expect(parseSavedPlan(text, 'p.json')).toEqual(saved());
  });

  const broken: [string, (doc: Record<string, unknown>) => unknown, RegExp][] = [
    ['not JSON', () => '{', /not JSON/],
    ['another format', (d) => ({ ...d, format: 'terraform' }), /"format" is not "ff-saved-plan"/],
    ['a future version', (d) => ({ ...d, version: 2 }), /version 2 is not one this ff reads/],
    ['no tenant', (d) => ({ ...d, tenant: undefined }), /"tenant" is missing/],
    ['bad environments', (d) => ({ ...d, environments: 'prod' }), /"environments"/],
    ['a negative revision', (d) => ({ ...d, base_revision: -1 }), /"base_revision"/],
    ['no hash', (d) => ({ ...d, files_hash: 'abc' }), /"files_hash"/],
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
