import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import {
  BUCKETING_ALGORITHM,
  bucket,
  bucketHash,
  bucketPrefix,
  buildSnapshot,
  evaluate,
  hashValue,
  murmur3x86_32,
  normalizeRollout,
  pickVariant,
} from '../../core/engine/index.js';
import type { Flag } from '../../core/model/index.js';
import { renderRolloutTable, renderVectorTable } from './bucketing-doc-table.js';
import type { BucketVector, RolloutVector } from './bucketing-doc-table.js';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const published = JSON.parse(readFileSync(here('./bucketing-vectors.json'), 'utf8')) as {
  algorithm: string;
  vectors: BucketVector[];
  rollouts: RolloutVector[];
};
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const saltOf = (v: BucketVector): string | undefined => v.salt ?? undefined;

// Chi-square critical values at p = 0.001 (scipy.stats.chi2.ppf(0.999, df)).
const CHI2_CRITICAL_DF99 = 148.23;
const CHI2_CRITICAL_DF81 = 126.08;
const USERS = 100_000;

function chiSquare(observed: readonly number[], expected: number): number {
  return observed.reduce((sum, o) => sum + ((o - expected) * (o - expected)) / expected, 0);
}

describe('MurmurHash3 x86 32-bit', () => {
  it('reproduces the published SMHasher vectors', () => {
    expect(murmur3x86_32(utf8(''), 0)).toBe(0);
    expect(murmur3x86_32(utf8(''), 1)).toBe(0x514e28b7);
    expect(murmur3x86_32(utf8(''), 0xffffffff)).toBe(0x81f16f39);
    expect(murmur3x86_32(new Uint8Array(4), 0)).toBe(0x2362f9de);
    expect(murmur3x86_32(utf8('hello'), 0)).toBe(0x248bfa47);
    expect(murmur3x86_32(utf8('aaaa'), 0x9747b28c)).toBe(0x5a97808a);
    expect(murmur3x86_32(utf8('abc'), 0x9747b28c)).toBe(0xc84a62dd);
    expect(murmur3x86_32(utf8('Hello, world!'), 0x9747b28c)).toBe(0x24884cba);
    expect(murmur3x86_32(utf8('The quick brown fox jumps over the lazy dog'), 0x9747b28c)).toBe(0x2fa826cd);
  });

  // Arbitrary UTF-16: ASCII, any code unit (so lone surrogates), and whole astral code points.
  const anyText = fc.string({
    unit: fc.oneof(
      fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }),
      fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    ),
    maxLength: 40,
  });
  const part = fc.stringMatching(/^[A-Za-z0-9._-]{0,9}$/);

  it('the streaming hash over prefix state equals hashing the whole UTF-8 byte string', () => {
    fc.assert(
      fc.property(part, part, fc.option(part, { nil: undefined }), anyText, (tenant, flagKey, salt, value) => {
        const whole = murmur3x86_32(utf8(`${tenant}\n${flagKey}\n${salt ?? ''}\n${value}`));
        expect(hashValue(bucketPrefix(tenant, flagKey, salt), value)).toBe(whole);
        expect(bucketHash(tenant, flagKey, salt, value)).toBe(whole);
      }),
      { numRuns: 500 },
    );
  });

  it('puts every bucket in [0, 1)', () => {
    fc.assert(
      fc.property(part, part, fc.option(part, { nil: undefined }), anyText, (tenant, flagKey, salt, value) => {
        const b = bucket(tenant, flagKey, salt, value);
        expect(b).toBeGreaterThanOrEqual(0);
        expect(b).toBeLessThan(1);
      }),
      { numRuns: 300 },
    );
    // The extremes: the largest hash's bucket still lands inside the rollout
    // (on its last variant), the smallest on its first — nothing falls off either end.
    const rollout = normalizeRollout({ a: 1, b: 1 });
    expect(pickVariant(rollout, 0xffffffff / 2 ** 32)).toBe('b');
    expect(pickVariant(rollout, 0)).toBe('a');
  });
});

describe(`published vectors (${BUCKETING_ALGORITHM})`, () => {
  it('names the algorithm and has at least 20 vectors, with non-ASCII, empty values and salts', () => {
    expect(published.algorithm).toBe(BUCKETING_ALGORITHM);
    expect(published.vectors.length).toBeGreaterThanOrEqual(20);
    expect(published.vectors.some((v) => [...v.value].some((ch) => ch.charCodeAt(0) > 0x7f))).toBe(true);
    expect(published.vectors.some((v) => v.value === '')).toBe(true);
    expect(published.vectors.some((v) => v.salt !== null)).toBe(true);
    expect(published.vectors.some((v) => v.salt === null)).toBe(true);
  });

  it.each(published.vectors.map((v, i) => [i + 1, v.note, v] as const))('#%i %s', (_i, _note, v) => {
    expect(bucketHash(v.tenant, v.flagKey, saltOf(v), v.value)).toBe(v.hash);
    expect(bucket(v.tenant, v.flagKey, saltOf(v), v.value)).toBe(v.bucket);
    // The bucket is the hash over 2^32, as docs/bucketing.md says.
    expect(bucket(v.tenant, v.flagKey, saltOf(v), v.value)).toBe(bucketHash(v.tenant, v.flagKey, saltOf(v), v.value) / 2 ** 32);
  });

  it('assigns the published rollout vectors', () => {
    for (const r of published.rollouts) {
      expect(pickVariant(normalizeRollout(r.weights), r.bucket), JSON.stringify(r)).toBe(r.variant);
    }
  });

  it('docs/bucketing.md shows exactly these vectors', () => {
    const doc = readFileSync(here('../../docs/bucketing.md'), 'utf8');
    const between = (name: string): string | undefined =>
      new RegExp(`<!-- ${name}:begin -->\\n([\\s\\S]*?)\\n<!-- ${name}:end -->`).exec(doc)?.[1];
    expect(between('bucket-vectors')).toBe(renderVectorTable(published.vectors));
    expect(between('rollout-vectors')).toBe(renderRolloutTable(published.rollouts));
  });

  it('gives the same buckets in a fresh node process', () => {
    // Stability across restarts and releases rests on the committed vectors above.
    // This adds a run in a separate V8 process that shares nothing with this one
    // (no module state, no warm caches, no test runner): it would catch a hash that
    // depends on per-process state such as a random seed or evaluation order.
    // Node 20 cannot import TypeScript, so bucketing.ts (written without imports
    // for exactly this) is transpiled on its own and imported by plain node.
    const dir = mkdtempSync(join(tmpdir(), 'ff-bucketing-'));
    try {
      const source = readFileSync(here('../../core/engine/bucketing.ts'), 'utf8');
      const js = ts.transpileModule(source, {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      }).outputText;
      writeFileSync(join(dir, 'bucketing.mjs'), js);
      writeFileSync(
        join(dir, 'run.mjs'),
        [
          "import { readFileSync } from 'node:fs';",
          "import { bucketHash } from './bucketing.mjs';",
          "const inputs = JSON.parse(readFileSync(0, 'utf8'));",
          'process.stdout.write(JSON.stringify(inputs.map(([t, f, s, v]) => bucketHash(t, f, s ?? undefined, v))));',
        ].join('\n'),
      );
      const extra = Array.from({ length: 500 }, (_, i) => ['acme', 'stability', i % 2 ? 'pepper' : null, `user-${i}`] as const);
      const inputs = [...published.vectors.map((v) => [v.tenant, v.flagKey, v.salt, v.value] as const), ...extra];
      const output = execFileSync(process.execPath, [join(dir, 'run.mjs')], { input: JSON.stringify(inputs), encoding: 'utf8' });
      const childHashes = JSON.parse(output) as number[];
      expect(childHashes.slice(0, published.vectors.length)).toStrictEqual(published.vectors.map((v) => v.hash));
      expect(childHashes).toStrictEqual(inputs.map(([t, f, s, v]) => bucketHash(t, f, s ?? undefined, v)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('distribution', () => {
  const flags = [
    { tenant: 'acme', flagKey: 'new-checkout', salt: undefined, key: (i: number) => `user-${i}` },
    { tenant: 'acme', flagKey: 'new-checkout', salt: '2024-q3', key: (i: number) => `user-${i}` },
    { tenant: 'globex', flagKey: 'dark-mode', salt: undefined, key: (i: number) => `person${i}@example.com` },
    { tenant: 'acme', flagKey: 'pricing.v2', salt: 'a', key: (i: number) => String(i) },
  ];

  it.each(flags.map((f) => [`${f.tenant}/${f.flagKey}${f.salt ? `+${f.salt}` : ''} (${f.key(7)})`, f] as const))(
    'is uniform over %s: 100,000 users in 100 bins pass chi-square at p = 0.001',
    (_name, f) => {
      const bins = new Array<number>(100).fill(0);
      const prefix = bucketPrefix(f.tenant, f.flagKey, f.salt);
      for (let i = 0; i < USERS; i++) {
        const index = Math.floor((hashValue(prefix, f.key(i)) / 2 ** 32) * 100);
        bins[index] = bins[index]! + 1;
      }
      expect(chiSquare(bins, USERS / 100)).toBeLessThan(CHI2_CRITICAL_DF99);
    },
  );

  it("keeps two flags' assignments independent", () => {
    const a = bucketPrefix('acme', 'new-checkout', undefined);
    const b = bucketPrefix('acme', 'dark-mode', undefined);
    const table = new Array<number>(100).fill(0);
    let inA = 0;
    let inB = 0;
    let inBoth = 0;
    for (let i = 0; i < USERS; i++) {
      const key = `user-${i}`;
      const ba = hashValue(a, key) / 2 ** 32;
      const bb = hashValue(b, key) / 2 ** 32;
      const cell = Math.floor(ba * 10) * 10 + Math.floor(bb * 10);
      table[cell] = table[cell]! + 1;
      const onA = ba < 0.25;
      const onB = bb < 0.4;
      if (onA) inA++;
      if (onB) inB++;
      if (onA && onB) inBoth++;
    }
    // 10x10 contingency table against the product of uniform marginals: df = 81.
    expect(chiSquare(table, USERS / 100)).toBeLessThan(CHI2_CRITICAL_DF81);
    // The share on in both rollouts is the product of the shares (within 5 standard errors).
    const product = (inA / USERS) * (inB / USERS);
    expect(Math.abs(inBoth / USERS - product)).toBeLessThan(5 * Math.sqrt((product * (1 - product)) / USERS));
  });
});

describe('monotonicity', () => {
  const variantName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,8}$/);
  const weight = fc.double({ min: 0, max: 1000, noNaN: true });

  it('raising a variant’s weight (the other one not raised) never moves an included user out', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(variantName, { minLength: 2, maxLength: 2 }),
        weight,
        weight,
        weight,
        weight,
        fc.array(fc.string({ maxLength: 12 }), { minLength: 1, maxLength: 40 }),
        ([on, off], w1, w2, w3, w4, users) => {
          const [onBefore, onAfter] = w1 <= w2 ? [w1, w2] : [w2, w1];
          const [offAfter, offBefore] = w3 <= w4 ? [w3, w4] : [w4, w3];
          fc.pre(onBefore + offBefore > 0 && onAfter + offAfter > 0);
          const before = normalizeRollout({ [on!]: onBefore, [off!]: offBefore });
          const after = normalizeRollout({ [on!]: onAfter, [off!]: offAfter });
          for (const user of users) {
            const b = bucket('acme', 'ramp', undefined, user);
            if (pickVariant(before, b) === on) expect(pickVariant(after, b)).toBe(on);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps everyone who was in at 10% when the flag goes to 20% (through the engine)', () => {
    const flagAt = (percent: number): Flag => ({
      key: 'ramp',
      type: 'boolean',
      variants: { on: true, off: false },
      offVariant: 'off',
      environments: { production: { enabled: true, default: { rollout: { on: percent, off: 100 - percent } } } },
    });
    const snapshotAt = (percent: number) =>
      buildSnapshot({ tenant: 'acme', environments: [{ key: 'production' }], flags: [flagAt(percent)], segments: [] }, 'production', 1);
    const at10 = snapshotAt(10);
    const at20 = snapshotAt(20);
    let in10 = 0;
    let in20 = 0;
    for (let i = 0; i < 20_000; i++) {
      const context = { targetingKey: `user-${i}` };
      const was = evaluate(at10, 'ramp', context).value === true;
      const is = evaluate(at20, 'ramp', context).value === true;
      if (was) {
        in10++;
        expect(is).toBe(true);
      }
      if (is) in20++;
    }
    expect(in10).toBeGreaterThan(1_500);
    expect(in20).toBeGreaterThan(in10);
  });
});
