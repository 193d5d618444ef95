// validateTenantChanges is the write path's validation: it checks only what a
// write changed (plus what depends on it) and must report exactly what
// validateTenantState would for the whole state. Cross-document references —
// segments used by flags, flags required by flags — are where a shortcut can
// miss something, so the property generates those.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Flag, Segment, TenantState } from '../../core/model/index.js';
import { validateTenantChanges, validateTenantState, type Diagnostic } from '../../core/validation/index.js';

const FLAG_KEYS = ['a', 'b', 'c', 'd', 'e'];
const SEGMENT_KEYS = ['s1', 's2'];
const VARIANT_SETS: Record<string, boolean>[] = [
  { on: true, off: false },
  { on: true, off: false, maybe: true },
  { yes: true, no: false },
];

function flag(key: string, variants: number, requires: { flag: string; variant: string }[], segment: string | undefined): Flag {
  const vs = VARIANT_SETS[variants] as Record<string, boolean>;
  const off = Object.keys(vs)[1] as string;
  const f: Flag = { key, type: 'boolean', variants: vs, offVariant: off } as Flag;
  if (requires.length > 0) (f as { prerequisites?: unknown }).prerequisites = requires;
  if (segment !== undefined) {
    (f as { environments?: unknown }).environments = {
      production: { enabled: true, default: { variant: off }, rules: [{ id: 'r', conditions: [{ segment }], serve: { variant: off } }] },
    };
  }
  return f;
}

const arbFlag = (key: string) =>
  fc
    .record({
      variants: fc.integer({ min: 0, max: VARIANT_SETS.length - 1 }),
      requires: fc.array(fc.record({ flag: fc.constantFrom(...FLAG_KEYS), variant: fc.constantFrom('on', 'off', 'yes', 'maybe') }), { maxLength: 2 }),
      segment: fc.option(fc.constantFrom(...SEGMENT_KEYS), { nil: undefined }),
    })
    .map((r) => flag(key, r.variants, r.requires, r.segment));

const arbState = fc
  .record({
    flags: fc.subarray(FLAG_KEYS, { minLength: 1 }).chain((keys) => fc.tuple(...keys.map(arbFlag))),
    segments: fc.subarray(SEGMENT_KEYS),
  })
  .map(
    ({ flags, segments }): TenantState =>
      ({
        tenant: 'acme',
        environments: [{ key: 'production' }],
        flags,
        segments: segments.map((key): Segment => ({ key, include: ['u1'] }) as Segment),
      }) as TenantState,
  );

/** A write: replace, add or remove some flags and segments. */
const arbWrite = (state: TenantState) =>
  fc.record({
    upsert: fc.array(fc.constantFrom(...FLAG_KEYS).chain(arbFlag), { maxLength: 2 }),
    removeFlags: fc.subarray(state.flags.map((f) => f.key)),
    removeSegments: fc.subarray(state.segments.map((s) => s.key)),
  });

const errors = (list: Diagnostic[]) =>
  list
    .filter((d) => d.severity === 'error')
    .map((d) => `${d.code} ${d.path}`)
    .sort();

describe('validateTenantChanges', () => {
  it('reports what validating the whole state reports, for any write to a valid state', () => {
    fc.assert(
      fc.property(
        arbState.filter((s) => errors(validateTenantState(s)).length === 0).chain((s) => fc.tuple(fc.constant(s), arbWrite(s))),
        ([before, write]) => {
          const removed = new Set(write.removeFlags);
          const flags = before.flags.filter((f) => !removed.has(f.key));
          for (const f of write.upsert) {
            const at = flags.findIndex((g) => g.key === f.key);
            if (at >= 0) flags[at] = f;
            else flags.push(f);
          }
          const removedSegments = new Set(write.removeSegments);
          const after: TenantState = { ...before, flags, segments: before.segments.filter((s) => !removedSegments.has(s.key)) };
          const change = {
            flags: new Set([...write.upsert.map((f) => f.key), ...write.removeFlags]),
            segments: removedSegments,
            tenant: false,
          };
          expect(errors(validateTenantChanges(after, change))).toEqual(errors(validateTenantState(after)));
        },
      ),
      { numRuns: 400, seed: 20261203 },
    );
  });

  it('refuses deleting a flag another flag still requires', () => {
    const state: TenantState = {
      tenant: 'acme',
      environments: [{ key: 'production' }],
      flags: [flag('b', 0, [{ flag: 'a', variant: 'on' }], undefined)],
      segments: [],
    } as TenantState;
    expect(errors(validateTenantChanges(state, { flags: new Set(['a']), segments: new Set(), tenant: false }))).toEqual([
      'PREREQUISITE_UNKNOWN /flags/0/prerequisites/0/flag',
    ]);
  });

  it('resolves a changed flag\'s prerequisite against the flags the write did not touch', () => {
    const state: TenantState = {
      tenant: 'acme',
      environments: [{ key: 'production' }],
      flags: [flag('a', 0, [], undefined), flag('b', 0, [{ flag: 'a', variant: 'on' }], undefined)],
      segments: [],
    } as TenantState;
    expect(errors(validateTenantChanges(state, { flags: new Set(['b']), segments: new Set(), tenant: false }))).toEqual([]);
  });
});
