import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildSnapshot, evaluate, updateSnapshot } from '../../core/engine/index.js';
import type { Flag, Segment, TenantState } from '../../core/model/index.js';

// A small universe of keys, so random edits hit the same flags and segments
// again and again (creates, updates, removals, segment users).
const FLAG_KEYS = ['a', 'b', 'c', 'd', 'e'];
const SEGMENT_KEYS = ['s1', 's2', 's3'];
const USERS = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'];

const segmentArb = (key: string): fc.Arbitrary<Segment> =>
  fc
    .record({ include: fc.subarray(USERS, { minLength: 1 }), byPlan: fc.boolean() })
    .map(({ include, byPlan }): Segment => (byPlan ? { key, include, conditions: [{ attribute: 'plan', operator: 'equals', value: 'pro' }] } : { key, include }));

const flagArb = (key: string): fc.Arbitrary<Flag> =>
  fc
    .record({
      enabled: fc.boolean(),
      segment: fc.option(fc.constantFrom(...SEGMENT_KEYS, 'missing'), { nil: undefined }),
      serve: fc.constantFrom('on', 'off', 'split'),
      target: fc.option(fc.constantFrom(...USERS), { nil: undefined }),
      salt: fc.option(fc.constantFrom('x', 'y'), { nil: undefined }),
    })
    .map(({ enabled, segment, serve, target, salt }): Flag => ({
      key,
      type: 'boolean',
      variants: { on: true, off: false },
      offVariant: 'off',
      ...(salt === undefined ? {} : { salt }),
      environments: {
        production: {
          enabled,
          ...(target === undefined ? {} : { targets: { on: [target] } }),
          rules: segment === undefined ? [] : [{ id: 'seg', conditions: [{ segment }], serve: { variant: 'on' } }],
          default: serve === 'split' ? { rollout: { on: 50, off: 50 } } : { variant: serve },
        },
      },
    }));

/** One edit of the state: set or remove a flag or a segment. */
type Edit = { kind: 'flag' | 'segment'; key: string; doc: Flag | Segment | null };

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.constantFrom(...FLAG_KEYS).chain((key) => fc.option(flagArb(key), { nil: null }).map((doc) => ({ kind: 'flag' as const, key, doc }))),
  fc.constantFrom(...SEGMENT_KEYS).chain((key) => fc.option(segmentArb(key), { nil: null }).map((doc) => ({ kind: 'segment' as const, key, doc }))),
);

function applyEdit(state: TenantState, edit: Edit): TenantState {
  const field = edit.kind === 'flag' ? 'flags' : 'segments';
  const list = (state[field] as { key: string }[]).filter((d) => d.key !== edit.key);
  if (edit.doc !== null) list.push(edit.doc);
  return { ...state, [field]: list };
}

const contexts = USERS.flatMap((targetingKey) => [{ targetingKey }, { targetingKey, plan: 'pro' }]);

describe('updateSnapshot', () => {
  it('answers exactly as a snapshot built from scratch, after any sequence of edits', () => {
    fc.assert(
      fc.property(fc.array(editArb, { maxLength: 12 }), fc.array(fc.array(editArb, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 6 }), (seed, batches) => {
        let state: TenantState = { tenant: 'acme', environments: [{ key: 'production' }], flags: [], segments: [] };
        for (const edit of seed) state = applyEdit(state, edit);
        let snapshot = buildSnapshot(state, 'production', 1);
        let revision = 1;
        for (const batch of batches) {
          for (const edit of batch) state = applyEdit(state, edit);
          revision++;
          const change = {
            flags: new Set(batch.filter((e) => e.kind === 'flag').map((e) => e.key)),
            segments: new Set(batch.filter((e) => e.kind === 'segment').map((e) => e.key)),
          };
          snapshot = updateSnapshot(snapshot, state, revision, change);
          const rebuilt = buildSnapshot(state, 'production', revision);
          expect(snapshot.revision).toBe(revision);
          expect(snapshot.flagKeys()).toStrictEqual(rebuilt.flagKeys());
          for (const key of [...FLAG_KEYS, 'unknown']) {
            for (const context of contexts) expect(evaluate(snapshot, key, context)).toStrictEqual(evaluate(rebuilt, key, context));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('shares every compiled flag it did not have to recompile, and leaves the previous snapshot unchanged', () => {
    const seg: Segment = { key: 's1', include: ['u1'] };
    const plain = (key: string): Flag => ({ key, type: 'boolean', variants: { on: true, off: false }, offVariant: 'off', environments: { production: { enabled: true, default: { variant: 'on' } } } });
    const user: Flag = { ...plain('uses-s1'), environments: { production: { enabled: true, rules: [{ id: 'r', conditions: [{ segment: 's1' }], serve: { variant: 'off' } }], default: { variant: 'on' } } } };
    const before: TenantState = { tenant: 'acme', environments: [{ key: 'production' }], flags: [plain('a'), plain('b'), user], segments: [seg] };
    const first = buildSnapshot(before, 'production', 1);

    const changedA: Flag = { ...plain('a'), environments: { production: { enabled: false } } };
    const second = updateSnapshot(first, { ...before, flags: [changedA, plain('b'), user] }, 2, { flags: new Set(['a']), segments: new Set() });
    expect(second.flagTable.get('b')).toBe(first.flagTable.get('b'));
    expect(second.flagTable.get('uses-s1')).toBe(first.flagTable.get('uses-s1'));
    expect(second.flagTable.get('a')).not.toBe(first.flagTable.get('a'));
    expect(evaluate(first, 'a', {}).reason).toBe('DEFAULT');
    expect(evaluate(second, 'a', {}).reason).toBe('DISABLED');

    // A segment change recompiles exactly the flags that use it.
    const third = updateSnapshot(second, { ...before, flags: [changedA, plain('b'), user], segments: [{ key: 's1', include: ['u2'] }] }, 3, { flags: new Set(), segments: new Set(['s1']) });
    expect(third.flagTable.get('b')).toBe(second.flagTable.get('b'));
    expect(third.flagTable.get('uses-s1')).not.toBe(second.flagTable.get('uses-s1'));
    expect(evaluate(third, 'uses-s1', { targetingKey: 'u2' }).value).toBe(false);
    expect(evaluate(second, 'uses-s1', { targetingKey: 'u2' }).value).toBe(true);
  });
});
