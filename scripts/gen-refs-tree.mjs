#!/usr/bin/env node
// Generates a large source tree for `ff refs` benchmarks and tests: a flags
// repository (one tenant, N flags) and a code tree of F files across nested
// packages, where some files reference flags (as the key in quotes, and as
// camelCase / UPPER_SNAKE_CASE spellings), some are binary, and an ignored
// node_modules/ full of references must not be reported. Deterministic
// (seeded PRNG): the same arguments give byte-identical trees. It writes
// expected.json with the reference count ff refs must find.
//
//   node scripts/gen-refs-tree.mjs --out /tmp/refs-tree [--files 100000] [--flags 500]
//                                  [--seed 1] [--ignored 2000] [--force]
import { Buffer } from 'node:buffer';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

function createRng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['order', 'cart', 'user', 'price', 'render', 'fetch', 'cache', 'queue', 'token', 'report', 'search', 'layout', 'mobile', 'billing', 'invoice', 'session'];
const camel = (key) => key.split('-').map((w, i) => (i === 0 ? w : w[0].toUpperCase() + w.slice(1))).join('');
const upperSnake = (key) => key.replace(/-/g, '_').toUpperCase();

export function generateRefsTree({ out, files = 100_000, flags = 500, seed = 1, ignored = 2000 }) {
  const rng = createRng(seed);
  const pick = (list) => list[Math.floor(rng() * list.length)];
  const keys = Array.from({ length: flags }, (_, i) => `${pick(WORDS)}-${pick(WORDS)}-${i}`);

  const flagsDir = path.join(out, 'flags', 'shop');
  mkdirSync(flagsDir, { recursive: true });
  writeFileSync(path.join(flagsDir, 'tenant.yaml'), 'version: 1\ntenant: shop\nenvironments:\n  - key: prod\n');
  const flagYaml = keys.map((k) => `  - key: ${k}\n    type: boolean\n    variants: { on: true, off: false }\n    offVariant: off\n`).join('');
  writeFileSync(path.join(flagsDir, 'flags.yaml'), `version: 1\nflags:\n${flagYaml}`);

  const src = path.join(out, 'src');
  mkdirSync(src, { recursive: true });
  writeFileSync(path.join(src, '.ff-refs.yaml'), 'version: 1\naliases: [camelCase, upperSnakeCase]\n');
  writeFileSync(path.join(src, '.gitignore'), 'node_modules/\n*.log\n');
  let expected = 0;
  const madeDirs = new Set();
  const dirFor = (i) => path.join(src, `pkg${Math.floor(i / 5000)}`, `mod${Math.floor(i / 100) % 50}`);
  for (let i = 0; i < files; i++) {
    const dir = dirFor(i);
    if (!madeDirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      madeDirs.add(dir);
    }
    if (i % 997 === 0) {
      // A binary file that happens to hold a key: never searched.
      writeFileSync(path.join(dir, `asset${i}.png`), Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]), Buffer.from(`"${pick(keys)}"`)]));
      continue;
    }
    if (i % 1009 === 0) {
      writeFileSync(path.join(dir, `debug${i}.log`), `flag ${pick(keys)} evaluated\n`);
      continue;
    }
    const lines = [];
    const count = 10 + Math.floor(rng() * 40);
    for (let l = 0; l < count; l++) {
      const roll = rng();
      if (roll < 0.004) {
        lines.push(`  if (client.boolean('${pick(keys)}', false)) ${pick(WORDS)}();`);
        expected++;
      } else if (roll < 0.005) {
        lines.push(`  const enabled = flags.${camel(pick(keys))};`);
        expected++;
      } else if (roll < 0.006) {
        lines.push(`export const ${upperSnake(pick(keys))} = true;`);
        expected++;
      } else {
        lines.push(`  const ${pick(WORDS)}${l} = ${pick(WORDS)}.${pick(WORDS)}(${Math.floor(rng() * 1000)}); // ${pick(WORDS)}-${pick(WORDS)}`);
      }
    }
    writeFileSync(path.join(dir, `file${i}.ts`), `${lines.join('\n')}\n`);
  }
  const nm = path.join(src, 'node_modules', 'vendor');
  mkdirSync(nm, { recursive: true });
  for (let i = 0; i < ignored; i++) writeFileSync(path.join(nm, `dep${i}.js`), `module.exports = '${pick(keys)}';\n`);
  writeFileSync(path.join(out, 'keys.txt'), `${keys.join('\n')}\n`);
  writeFileSync(path.join(out, 'expected.json'), `${JSON.stringify({ files, flags, seed, references: expected }, null, 2)}\n`);
  return { keys, expected };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      files: { type: 'string', default: '100000' },
      flags: { type: 'string', default: '500' },
      seed: { type: 'string', default: '1' },
      ignored: { type: 'string', default: '2000' },
      force: { type: 'boolean', default: false },
    },
  });
  if (!values.out) {
    process.stderr.write('usage: node scripts/gen-refs-tree.mjs --out DIR [--files N] [--flags N] [--seed N] [--ignored N] [--force]\n');
    process.exit(2);
  }
  if (existsSync(values.out) && readdirSync(values.out).length > 0) {
    if (!values.force) {
      process.stderr.write(`${values.out} is not empty (use --force to replace it)\n`);
      process.exit(1);
    }
    rmSync(values.out, { recursive: true, force: true });
  }
  const { expected } = generateRefsTree({ out: values.out, files: Number(values.files), flags: Number(values.flags), seed: Number(values.seed), ignored: Number(values.ignored) });
  process.stdout.write(`${values.out}: ${values.files} files, ${values.flags} flags, ${expected} references expected\n`);
}
