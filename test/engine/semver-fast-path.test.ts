import fc from 'fast-check';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { NOT_PLAIN_VERSION, fastVersionOrder, parseVersion } from '../../core/engine/operators.js';

// The allocation-free comparison of plain x.y.z versions must agree with the
// semver package wherever it answers, and step aside everywhere else.
describe('fastVersionOrder', () => {
  const part = fc.oneof(fc.integer({ min: 0, max: 20 }), fc.nat()).map(String);
  const plain = fc.tuple(fc.boolean(), part, part, part).map(([v, a, b, c]) => `${v ? 'v' : ''}${a}.${b}.${c}`);
  const noisy = fc.oneof(
    plain,
    plain.map((s) => `${s}-rc.1`),
    plain.map((s) => `${s}+build.7`),
    plain.map((s) => `0${s}`),
    plain.map((s) => ` ${s}`),
    fc.stringMatching(/^v?[0-9.]{0,12}$/),
    fc.string({ maxLength: 12 }),
    fc.constant('1.2.3456789012345678'),
  );
  const expected = fc.oneof(plain, plain.map((s) => `${s}-alpha.2`)).map((s) => semver.parse(s)!);

  it('agrees with semver.compare whenever it answers', () => {
    fc.assert(
      fc.property(noisy, expected, (value, target) => {
        const order = fastVersionOrder(value, target);
        const parsed = parseVersion(value);
        if (order === NOT_PLAIN_VERSION) return;
        expect(parsed).not.toBeNull();
        expect(order).toBe(parsed!.compare(target));
      }),
      { numRuns: 2000 },
    );
  });

  it('answers for plain versions and steps aside for the rest', () => {
    const target = semver.parse('4.0.0')!;
    expect(fastVersionOrder('3.9.2', target)).toBe(-1);
    expect(fastVersionOrder('v4.0.0', target)).toBe(0);
    expect(fastVersionOrder('4.10.3', target)).toBe(1);
    expect(fastVersionOrder('4.0.0', semver.parse('4.0.0-rc.1')!)).toBe(1);
    for (const other of ['4.0.0-rc.1', '4.0.0+b', '04.0.0', '4.0', '', 'v', '4.0.0.0', '1234567890123456.0.0', 'V4.0.0']) {
      expect(fastVersionOrder(other, target), other).toBe(NOT_PLAIN_VERSION);
    }
  });
});
