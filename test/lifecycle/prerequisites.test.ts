// Prerequisites: the explain trace carries each prerequisite's own
// evaluation; validation refuses unknown flags and variants, cycles and
// chains, at the file position of the offending entry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSnapshot, explain } from '../../core/engine/index.js';
import { loadRepository } from '../../core/repo/index.js';
import { renderExplainText } from '../../cli/render/explain-text.js';
import { plain } from '../../cli/io/colors.js';
import { snapshotFor } from '../engine/vector-table.js';
import { tempDir, writeFiles, type TempDir } from '../cli/support/temp-repo.js';

describe('explain with prerequisites', () => {
  it('shows the prerequisite’s own evaluation, and stops at the first not met', () => {
    const snapshot = snapshotFor('production');
    const failed = explain(snapshot, 'prereq-dependent', { targetingKey: 'u', plan: 'free' });
    expect(failed).toMatchObject({
      served: { by: 'prerequisite', variant: 'old' },
      result: { reason: 'PREREQUISITE_FAILED' },
      rules: [],
      prerequisites: [{ flag: 'prereq-base', variant: 'on', met: false, problem: 'flag "prereq-base" served "off", not "on"' }],
    });
    expect(failed.prerequisites![0]!.trace).toMatchObject({ flagKey: 'prereq-base', rules: [{ ruleId: 'pro', matched: false }], served: { by: 'default' } });
    expect(failed.target).toBeUndefined();

    const met = explain(snapshot, 'prereq-dependent', { targetingKey: 'u', plan: 'pro' });
    expect(met.prerequisites).toMatchObject([{ flag: 'prereq-base', met: true, trace: { served: { by: 'rule', ruleId: 'pro' } } }]);
    expect(met.result.reason).toBe('DEFAULT');

    expect(explain(snapshot, 'prereq-nested', { targetingKey: 'u', plan: 'pro' }).prerequisites).toEqual([
      { flag: 'prereq-dependent', variant: 'new', met: false, problem: 'flag "prereq-dependent" has prerequisites of its own: prerequisites are one level deep' },
    ]);
    expect(explain(snapshot, 'prereq-unknown', { targetingKey: 'u' }).prerequisites![0]!.problem).toBe('flag "no-such-flag" does not exist');
    expect(explain(snapshotFor('staging'), 'prereq-dependent', { targetingKey: 'u', plan: 'pro' }).prerequisites![0]!.problem).toBe(
      'flag "prereq-base" is disabled in staging',
    );
  });

  it('renders the prerequisite under the flag in ff eval --explain', () => {
    const text = renderExplainText(explain(snapshotFor('production'), 'prereq-dependent', { targetingKey: 'u', plan: 'free' }), plain);
    expect(text).toContain('✗ prerequisite prereq-base serves on  — flag "prereq-base" served "off", not "on"');
    expect(text).toContain('    ✗ rule 1 pro: no match');
    expect(text).toContain('→ a prerequisite is not met: served the off variant old (PREREQUISITE_FAILED)');
  });

  it('keeps the engine total on a broken list (no flag, no variant)', () => {
    const state = {
      tenant: 't',
      environments: [{ key: 'p' }],
      segments: [],
      flags: [{ key: 'a', type: 'boolean' as const, variants: { on: true }, offVariant: 'on', prerequisites: [{} as never], environments: { p: { enabled: true } } }],
    };
    expect(explain(buildSnapshot(state, 'p', 1), 'a', {}).result.reason).toBe('PREREQUISITE_FAILED');
  });
});

describe('validating prerequisites', () => {
  let tmp: TempDir;
  beforeAll(async () => {
    tmp = await tempDir('ff-prereq-');
  });
  afterAll(() => tmp.remove());

  const flag = (key: string, prerequisites: string): string =>
    `  - key: ${key}\n    type: boolean\n    variants: { on: true, off: false }\n    offVariant: off\n${prerequisites}    environments:\n      prod:\n        enabled: true\n`;

  it('reports unknown flags and variants, cycles and chains at the entry, with file:line:col', async () => {
    const flags = [
      flag('a', '    prerequisites:\n      - flag: b\n        variant: on\n'),
      flag('b', '    prerequisites:\n      - flag: a\n        variant: on\n'),
      flag('self', '    prerequisites:\n      - flag: self\n        variant: on\n'),
      flag('c', '    prerequisites:\n      - flag: d\n        variant: on\n'),
      flag('d', '    prerequisites:\n      - flag: e\n        variant: yes\n'),
      flag('e', '    prerequisites:\n      - flag: ee\n        variant: on\n'),
    ].join('');
    await writeFiles(tmp.path, { 's/tenant.yaml': 'version: 1\ntenant: s\nenvironments:\n  - key: prod\n', 's/f.yaml': `version: 1\nflags:\n${flags}` });
    const { diagnostics } = await loadRepository(tmp.path);
    expect(diagnostics.map((d) => [d.code, d.line, d.column, d.message])).toEqual([
      ['PREREQUISITE_CYCLE', 8, 15, 'prerequisites form a cycle: "a" requires "b", which leads back to "a"'],
      ['PREREQUISITE_CYCLE', 18, 15, 'prerequisites form a cycle: "b" requires "a", which leads back to "b"'],
      ['PREREQUISITE_CYCLE', 28, 15, 'prerequisites form a cycle: "self" requires itself'],
      ['PREREQUISITE_NESTED', 38, 15, 'prerequisite "d" has prerequisites of its own: prerequisites are one level deep (list what "d" requires here instead)'],
      ['PREREQUISITE_NESTED', 48, 15, 'prerequisite "e" has prerequisites of its own: prerequisites are one level deep (list what "e" requires here instead)'],
      ['PREREQUISITE_VARIANT_UNKNOWN', 49, 18, 'prerequisite "e" has no variant "yes"; variants: on, off'],
      ['PREREQUISITE_UNKNOWN', 58, 15, 'prerequisite "ee" is not a flag of this tenant (did you mean "e"?)'],
    ]);
  });
});
