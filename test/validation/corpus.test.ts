// Replays the invalid corpus (test/fixtures/README.md): each fixture folder
// reports exactly the diagnostics its "# expect:" lines declare.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRepository } from '../../core/repo/index.js';
import { DIAGNOSTIC_CODES } from '../../core/validation/index.js';
import { invalidFixtures, VALID_DIR } from '../fixtures/expectations.js';

const fixtures = invalidFixtures();

function relativeToFixture(dir: string, file: string | undefined): string {
  return path.relative(dir, path.resolve(file ?? '')).split(path.sep).join('/');
}

describe('invalid corpus', () => {
  it('has at least 20 fixtures, each declaring what it expects', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(20);
    for (const fixture of fixtures) expect(fixture.expected, fixture.name).not.toHaveLength(0);
  });

  it('declares only documented codes', () => {
    for (const fixture of fixtures) {
      for (const e of fixture.expected) expect(Object.keys(DIAGNOSTIC_CODES), fixture.name).toContain(e.code);
    }
  });

  it.each(fixtures.map((f) => [f.name, f] as const))('%s', async (_name, fixture) => {
    const result = await loadRepository(fixture.dir);
    for (const d of result.diagnostics) {
      expect(d.file, d.message).toBeTypeOf('string');
      expect(d.line, d.message).toBeGreaterThanOrEqual(1);
      expect(d.column, d.message).toBeGreaterThanOrEqual(1);
      expect(d.message.length).toBeGreaterThan(0);
    }
    const actual = result.diagnostics.map((d) => ({
      file: relativeToFixture(fixture.dir, d.file),
      code: d.code,
      line: d.line,
      column: d.column,
    }));
    expect(actual).toEqual(fixture.expected);
    expect(result.diagnostics.some((d) => d.severity === 'error')).toBe(true);
  });
});

describe('valid fixture', () => {
  it('loads with no diagnostics and every tenant, flag and segment', async () => {
    const result = await loadRepository(VALID_DIR);
    expect(result.diagnostics).toEqual([]);
    expect(result.tenants.map((t) => t.tenant)).toEqual(['acme', 'globex']);
    const acme = result.tenants[0];
    expect(acme?.flags.map((f) => f.key)).toEqual(['new-checkout', 'checkout-banner']);
    expect(acme?.segments.map((s) => s.key)).toEqual(['beta-testers']);
    expect(acme?.environments.map((e) => e.key)).toEqual(['development', 'staging', 'production']);
    expect(result.files).toHaveLength(5);
  });
});
