import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computePlan, contentHash, diffValues, scopeDesiredState, semanticallyEqual } from '../../core/diff/index.js';
import type { Flag, TenantState } from '../../core/model/index.js';

const envs = [{ key: 'development' }, { key: 'production' }];

function flag(overrides: Partial<Flag> = {}): Flag {
  return {
    key: 'checkout',
    type: 'boolean',
    variants: { on: true, off: false },
    offVariant: 'off',
    environments: {
      development: { enabled: true, default: { variant: 'on' } },
      production: {
        enabled: true,
        targets: { on: ['user-1'] },
        rules: [
          { id: 'enterprise', conditions: [{ attribute: 'plan', operator: 'equals', value: 'enterprise' }], serve: { variant: 'on' } },
          { id: 'gradual', serve: { rollout: { on: 10, off: 90 } } },
        ],
        default: { variant: 'off' },
      },
    },
    ...overrides,
  };
}

function state(flags: Flag[], extra: Partial<TenantState> = {}): TenantState {
  return { tenant: 'acme', environments: envs, flags, segments: [], ...extra };
}

describe('computePlan', () => {
  it('plans a reorder of environments as a position change, merged into a content update of the same one', () => {
    const current = state([], { environments: [{ key: 'a' }, { key: 'b', name: 'B' }, { key: 'c' }] });
    const desired = state([], { environments: [{ key: 'b', name: 'Bee' }, { key: 'a' }, { key: 'c' }] });
    const plan = computePlan({ tenant: 'acme', current, desired, baseRevision: 1 });
    expect(plan.changes.map((c) => ({ action: c.action, key: c.key, fields: c.fields.map((f) => `${f.path}: ${String(f.before)} → ${String(f.after)}`) }))).toEqual([
      { action: 'update', key: 'a', fields: ['position: 0 → 1'] },
      { action: 'update', key: 'b', fields: ['name: B → Bee', 'position: 1 → 0'] },
    ]);
    // Scoped to environments, a plan does not touch the tenant-wide list.
    expect(computePlan({ tenant: 'acme', current, desired, baseRevision: 1, environments: ['a'] }).changes).toEqual([]);
  });

  it('shows nothing when the states are the same', () => {
    const plan = computePlan({ tenant: 'acme', current: state([flag()]), desired: state([flag()]), baseRevision: 3 });
    expect(plan.changes).toEqual([]);
    expect(plan.summary).toEqual({ create: 0, update: 0, delete: 0, drift: 0 });
  });

  it('reports a rollout change field by field, with the environment first in the path', () => {
    const after = flag();
    after.environments!.production!.rules![1]!.serve = { rollout: { on: 25, off: 75 } };
    const plan = computePlan({ tenant: 'acme', current: state([flag()]), desired: state([after]), baseRevision: 3 });
    expect(plan.summary.update).toBe(1);
    expect(plan.changes[0]!.fields).toEqual([
      { path: 'production.rules[1].serve.rollout.on', op: 'change', before: 10, after: 25 },
      { path: 'production.rules[1].serve.rollout.off', op: 'change', before: 90, after: 75 },
    ]);
  });

  it('calls out risky changes: rollout down, disabled in production, deletion, salt', () => {
    const after = flag({ salt: 'new' });
    after.environments!.production!.rules![1]!.serve = { rollout: { on: 5, off: 95 } };
    after.environments!.production!.enabled = false;
    const other = flag({ key: 'old-flag' });
    const plan = computePlan({ tenant: 'acme', current: state([flag(), other]), desired: state([after]), baseRevision: 1 });
    const codes = plan.changes.flatMap((c) => c.risks.map((r) => r.code)).sort();
    expect(codes).toEqual(['DELETION', 'DISABLED_IN_PRODUCTION', 'ROLLOUT_DECREASED', 'SALT_CHANGED']);
  });

  it('orders creates by dependency and deletes last', () => {
    const plan = computePlan({
      tenant: 'acme',
      current: state([flag({ key: 'gone' })], { segments: [{ key: 'old-seg' }] }),
      desired: state([flag({ key: 'new' })], { segments: [{ key: 'beta', include: ['u1'] }], environments: [...envs, { key: 'staging' }] }),
      baseRevision: 0,
    });
    expect(plan.changes.map((c) => `${c.action}:${c.resource}:${c.key}`)).toEqual([
      'create:environment:staging',
      'create:segment:beta',
      'create:flag:new',
      'delete:flag:gone',
      'delete:segment:old-seg',
    ]);
  });

  it('matches rules by id: inserting a rule is one addition, not a cascade', () => {
    const after = flag();
    after.environments!.production!.rules!.unshift({ id: 'staff', conditions: [{ segment: 'staff' }], serve: { variant: 'on' } });
    const fields = computePlan({ tenant: 'acme', current: state([flag()]), desired: state([after]), baseRevision: 0 }).changes[0]!.fields;
    expect(fields.map((f) => `${f.op} ${f.path}`)).toEqual(['add production.rules[0]']);
  });

  it('treats lists of keys as sets and reports what was added and removed', () => {
    const after = flag();
    after.environments!.production!.targets = { on: ['user-2', 'user-1', 'user-3'] };
    const fields = computePlan({ tenant: 'acme', current: state([flag()]), desired: state([after]), baseRevision: 0 }).changes[0]!.fields;
    expect(fields).toEqual([{ path: 'production.targets.on', op: 'change', added: ['user-2', 'user-3'], removed: [] }]);
    after.environments!.production!.targets = { on: ['user-1'] };
    expect(semanticallyEqual(flag(), after)).toBe(true);
  });

  it('attaches drift reported by the server to the change that restores Git', () => {
    const after = flag({ description: 'from git' });
    const plan = computePlan({
      tenant: 'acme',
      current: state([flag({ description: 'edited over REST' })]),
      desired: state([after]),
      baseRevision: 9,
      drift: (resource, key) => (resource === 'flag' && key === 'checkout' ? { source: 'api', actor: 'alice', at: '2026-11-01T00:00:00Z' } : undefined),
    });
    expect(plan.changes[0]!.drift).toEqual({ source: 'api', actor: 'alice', at: '2026-11-01T00:00:00Z' });
    expect(plan.summary.drift).toBe(1);
  });
});

describe('scopeDesiredState', () => {
  it('takes only the scoped environments from the files and keeps everything else', () => {
    const current = state([flag({ description: 'server' })]);
    const changed = flag({ description: 'files' });
    changed.environments!.production!.enabled = false;
    changed.environments!.development!.enabled = false;
    const scoped = scopeDesiredState(current, state([changed, flag({ key: 'brand-new' })]), ['production']);
    const checkout = scoped.flags.find((f) => f.key === 'checkout')!;
    expect(checkout.description).toBe('server');
    expect(checkout.environments!.production!.enabled).toBe(false);
    expect(checkout.environments!.development!.enabled).toBe(true);
    expect(Object.keys(scoped.flags.find((f) => f.key === 'brand-new')!.environments!)).toEqual(['production']);
  });
});

// Arbitrary JSON-ish values shaped like our resources.
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.integer(),
    fc.boolean(),
    fc.array(fc.string({ maxLength: 4 }), { maxLength: 4 }),
    fc.array(fc.record({ id: fc.constantFrom('a', 'b', 'c'), v: fc.integer() }), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('x', 'y', 'z', 'on', 'off'), tie('value'), { maxKeys: 3 }),
  ),
})).value;

describe('diff laws', () => {
  it('no field changes exactly when the two values are semantically equal', () => {
    fc.assert(
      fc.property(jsonValue, jsonValue, (a, b) => {
        expect(diffValues(a, b, 'root').length === 0).toBe(semanticallyEqual(a, b));
        expect(diffValues(a, a, 'root')).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('the content hash ignores key order and set order but not rule order', () => {
    expect(contentHash({ a: 1, b: ['x', 'y'] })).toBe(contentHash({ b: ['y', 'x'], a: 1 }));
    expect(contentHash([{ id: 'a' }, { id: 'b' }])).not.toBe(contentHash([{ id: 'b' }, { id: 'a' }]));
  });
});

describe('empty containers', () => {
  it('an empty list or map equals an absent one, so scoping a flag without environments changes nothing', () => {
    const bare = flag({ key: 'bare' });
    delete bare.environments;
    expect(semanticallyEqual(bare, { ...bare, environments: {}, tags: [] })).toBe(true);
    const current = state([bare]);
    const scoped = scopeDesiredState(current, state([bare]), ['production']);
    expect(computePlan({ tenant: 'acme', current, desired: scoped, baseRevision: 1, environments: ['production'] }).changes).toEqual([]);
    expect('environments' in scoped.flags[0]!).toBe(false);
  });
});

describe('canonical JSON', () => {
  it('canonicalJson is JSON.stringify(canonicalize(value)) for any JSON value', async () => {
    const { canonicalJson, canonicalize } = await import('../../core/diff/canonical.js');
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
        expect(canonicalJson(value)).toBe(JSON.stringify(canonicalize(value)));
      }),
      { numRuns: 2000 },
    );
  });

  it('canonicalJson is JSON.stringify(canonicalize(value)) for objects of many keys and repeated keys across objects', async () => {
    const { canonicalJson, canonicalize } = await import('../../core/diff/canonical.js');
    // Past the few keys a document's objects have (the sort switches there), index-like keys, -0, non-finite numbers.
    const key = fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('0', '1', '10', '01', '4294967295', '__proto__', 'key', 'é', '\u{1F600}'));
    const scalar = fc.oneof(fc.string(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(-0));
    const wide = fc.dictionary(key, fc.oneof(scalar, fc.array(scalar, { maxLength: 4 }), fc.dictionary(key, scalar, { maxKeys: 20 })), { maxKeys: 30 });
    fc.assert(
      fc.property(fc.array(wide, { maxLength: 4 }), (value) => {
        expect(canonicalJson(value)).toBe(JSON.stringify(canonicalize(value)));
      }),
      { numRuns: 1000 },
    );
  });

  it('the content hash is the sha256 of the canonical JSON as createHash computes it (stored hashes stay valid)', async () => {
    const { createHash } = await import('node:crypto');
    const { canonicalJson } = await import('../../core/diff/canonical.js');
    expect(contentHash({ b: ['y', 'x'], a: 1 })).toBe('sha256:4af3259836a1c825190abb561173c89a9e564dd8933f61d69e10d9d94bf307d6');
    // UTF-8 beyond ASCII, an astral character and a lone surrogate (encoded as U+FFFD by both).
    const text = fc.oneof(fc.string(), fc.constantFrom('é', '\u{1F600}', '\uD800', 'a\uDC00b', '\u0000'));
    const value = fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.dictionary(text, fc.array(text, { maxLength: 3 }), { maxKeys: 5 }));
    fc.assert(
      fc.property(value, (value) => {
        expect(contentHash(value)).toBe(`sha256:${createHash('sha256').update(canonicalJson(value)).digest('hex')}`);
      }),
      { numRuns: 500 },
    );
  });

  it('jsonEqual implies the same canonical form', async () => {
    const { canonicalJson, jsonEqual } = await import('../../core/diff/canonical.js');
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.jsonValue({ maxDepth: 4 }), (a, b) => {
        if (jsonEqual(a, b)) expect(canonicalJson(a)).toBe(canonicalJson(b));
        expect(jsonEqual(a, structuredClone(a))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
