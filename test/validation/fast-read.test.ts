// The fast reader (core/yaml/fast-read.ts) against the exact one (parseYaml):
// whenever the fast reader accepts a source, parseYaml must accept it too,
// with no diagnostic at all, and give the same value. Declining is always
// allowed (the caller then uses parseYaml), so the properties check the one
// direction that matters, and separate tests check that the fast reader does
// accept the files people actually write, so it is not vacuously safe.
//
// FF_FUZZ_RUNS=20000 npx vitest run test/validation/fast-read.test.ts runs the
// properties longer when the fast reader changes.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { dump } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { resolveByTest, resolveCorePlainScalar } from '../../core/yaml/core-scalars.js';
import { fastReadYaml } from '../../core/yaml/fast-read.js';
import { parseYaml } from '../../core/yaml/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RUNS = Number(process.env.FF_FUZZ_RUNS ?? 400);
const LONG = Math.max(30_000, RUNS * 25);

/** The one property: an accepted source is one parseYaml reads cleanly, to the same value. */
function agrees(source: string): boolean {
  const fast = fastReadYaml(source);
  if (fast === undefined) return true;
  const exact = parseYaml(source, 'f.yaml');
  if (!exact.ok || exact.diagnostics.length > 0) {
    throw new Error(`fast reader accepted what parseYaml refuses: ${JSON.stringify(source)}\n${exact.diagnostics.slice(0, 3).map((d) => `${d.code} ${d.line}:${d.column} ${d.message}`).join("\n")}`);
  }
  if (!isDeepStrictEqual(fast.value, exact.value)) {
    throw new Error(`values differ for ${JSON.stringify(source)}:\nfast  ${JSON.stringify(fast.value)}\nexact ${JSON.stringify(exact.value)}`);
  }
  return true;
}

// Strings that mean something to a YAML reader: scalars of other types in 1.2
// or 1.1, indicators, quotes, escapes, white space, line breaks.
const TRICKY = [
  'yes', 'no', 'on', 'off', 'y', 'n', 'Yes', 'NO', 'true', 'False', 'TRUE', '~', 'null', 'Null', 'NULL', '',
  '0', '-0', '+1', '007', '0o17', '0x1F', '0b101', '1_000', '1:30', '1.0', '-1.5', '.5', '1e3', '1E-3', '+1e+3', '.inf', '-.Inf', '.NaN', 'NaN', 'Infinity',
  '2024-01-01', '2024-01-01T10:00:00Z', '<<', '=', '-', '- a', '? a', 'a: b', 'a:b', 'a #b', '#a', '&a', '*a', '!a', '!!str', '%YAML', '@a', '`a',
  '[a]', '{a: 1}', ',', '|', '>', '"', "'", "it's", 'a "q"', '\\', '\\n', ' lead', 'trail ', 'in  side', '\t', 'a\tb', '\n', 'a\nb', 'a\n\nb', 'a\n', '\r\n',
  '\u00e9', '\u2028', '\u{1F600}', '\u00a0', '---', '...', '__proto__', 'constructor', 'x'.repeat(120),
];
const scalarString = fc.oneof(fc.constantFrom(...TRICKY), fc.string({ maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 6 }));
const key = fc.oneof(fc.constantFrom(...TRICKY), fc.string({ maxLength: 8 }));
const scalar = fc.oneof(
  scalarString,
  fc.integer(),
  fc.double({ noDefaultInfinity: false }),
  fc.boolean(),
  fc.constant(null),
);
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
}));
const document = fc.dictionary(key, value, { minKeys: 1, maxKeys: 5 });

/** The ways people and tools write a value as YAML. */
const writers: Record<string, (v: unknown) => string> = {
  'yaml block': (v) => stringify(v),
  'yaml flow': (v) => stringify(v, { collectionStyle: 'flow' }),
  'yaml double-quoted': (v) => stringify(v, { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' }),
  'yaml single-quoted': (v) => stringify(v, { defaultStringType: 'QUOTE_SINGLE' }),
  'yaml block literal': (v) => stringify(v, { defaultStringType: 'BLOCK_LITERAL', lineWidth: 20 }),
  'yaml folded, narrow': (v) => stringify(v, { defaultStringType: 'BLOCK_FOLDED', lineWidth: 20, minContentWidth: 0 }),
  'yaml indent 4, no seq indent': (v) => stringify(v, { indent: 4, indentSeq: false }),
  'js-yaml': (v) => dump(v),
  'js-yaml flow level 1': (v) => dump(v, { flowLevel: 1 }),
  'js-yaml double quotes, forced': (v) => dump(v, { quotingType: '"', forceQuotes: true }),
  'js-yaml narrow': (v) => dump(v, { lineWidth: 10 }),
  json: (v) => JSON.stringify(v),
  'json, indented': (v) => JSON.stringify(v, null, 2),
};

/** Edits that take a well-formed document somewhere near the edge of the grammar. */
const SNIPPETS = [
  ': ', ':', '- ', '-', '#', ' #', '[', ']', '{', '}', ',', '&a ', '*a', '!', '!!str ', '!!int ', '! ', '? ', '|', '|-', '>', '>+', '"', "'", '\\',
  '\t', '\n', ' ', '  ', '\n  ', '---\n', '---', '...\n', '%YAML 1.1\n---\n', '%TAG ! tag:x,2000:\n---\n', '<<: ', '~', '@', '`', '\r\n', '\r',
  '\u00a0', '\ufeff', '\u2028', '\u2029', '\u0085', '\u0000', '\u0007', '%', 'a: 1\n', '- 1\n', 'key: [a,\n b]\n', '{a: 1}: x\n', '[a]: x\n', '1.0: x\n', 'true: x\n', '~: x\n', ': x\n',
  '"\\x41"', '"\\u00e9"', '"\\q"', "'a''b'", 'a\n  b', ' # c\n', '&x a', '*x', '? [a]\n: b\n', 'x'.repeat(1030), 'x'.repeat(1030) + ': y\n',
];
type Edit = { at: number; kind: 'insert'; text: string } | { at: number; kind: 'delete'; length: number };
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ at: fc.nat(), kind: fc.constant('insert' as const), text: fc.constantFrom(...SNIPPETS) }),
  fc.record({ at: fc.nat(), kind: fc.constant('delete' as const), length: fc.integer({ min: 1, max: 4 }) }),
);
function applyEdits(text: string, edits: readonly Edit[]): string {
  let out = text;
  for (const e of edits) {
    const at = out.length === 0 ? 0 : e.at % (out.length + 1);
    out = e.kind === 'insert' ? out.slice(0, at) + e.text + out.slice(at) : out.slice(0, at) + out.slice(at + e.length);
  }
  return out;
}

describe('fast reader and parseYaml agree', () => {
  it.each(Object.entries(writers))('on documents written by %s', (_name, write) => {
    fc.assert(fc.property(document, (doc) => agrees(write(doc))), { numRuns: RUNS });
  }, LONG);

  it('on those documents after random edits near the edge of the grammar', () => {
    const written = fc.tuple(document, fc.constantFrom(...Object.values(writers))).map(([doc, write]) => write(doc));
    fc.assert(fc.property(written, fc.array(edit, { minLength: 1, maxLength: 4 }), (text, edits) => agrees(applyEdits(text, edits))), { numRuns: RUNS * 5 });
  }, LONG);

  it('on a flags file after random edits', () => {
    const sample = readFileSync(path.join(root, 'flags/acme/checkout.yaml'), 'utf8');
    fc.assert(fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => agrees(applyEdits(sample, edits))), { numRuns: RUNS * 2 });
  }, LONG);
});

describe('fast reader declines what the safety profile has something to say about', () => {
  it.each([
    ['an anchor and alias', 'a: &x 1\nb: *x\n'],
    ['a tag, even a core one', 'a: !!str 1\n'],
    ['the non-specific tag', 'a: ! 1\n'],
    ['a custom tag', 'a: !custom x\n'],
    ['a %YAML directive', '%YAML 1.1\n---\na: yes\n'],
    ['a merge key', 'a: {x: 1}\nb:\n  "<<": 1\n'],
    ['a collection as a key', '[a]: 1\n'],
    ['a number as a key', '1.0: x\n'],
    ['null as a key', '~: x\n'],
    ['a boolean as a key', 'true: x\n'],
    ['an empty key', ': x\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a second document', 'a: 1\n---\nb: 2\n'],
    ['a multi-line flow collection', 'a: [1,\n  2]\n'],
    ['a flow end at the parent indent', 'a: [\n  1\n]\n'],
    ['nesting deeper than the limit', `a: ${'['.repeat(70)}${']'.repeat(70)}\n`],
    ['a root that is not a map', '- a\n'],
    ['an empty document', '# nothing\n'],
    ['a syntax error', 'a: "x\n'],
    ['an empty value', 'a:\nb: 1\n'],
    ['an empty sequence entry before a comment', 'a:\n  - - x\n    - # note\n  - y\n'],
    ['a quoted scalar over several lines', 'a: "x\n  y"\n'],
    ['a plain scalar over several lines', 'a: x\n  y\n'],
    ['a document marker glued to text', '---a: 1\n'],
    ['a carriage return alone', 'a: 1\rb: 2\n'],
    ['a comment touching a quoted scalar', 'a: "x"#c\n'],
    ['a comment touching a flow collection', 'a: [x]#c\n'],
    ['a byte-order mark inside', 'a: 1\n\ufeffb: 2\n'],
    ['a lone surrogate', 'a: "\ud800"\n'],
    ['an implicit key too far from its colon', `${'k'.repeat(1100)}: 1\n`],
  ])('%s', (_name, source) => {
    expect(fastReadYaml(source)).toBeUndefined();
  });

  it('declines a file over the size cap, which parseYaml reports', () => {
    expect(fastReadYaml('a: 1\n', { maxFileBytes: 3 })).toBeUndefined();
  });

  it('declines nesting past a lowered depth limit', () => {
    expect(fastReadYaml('a: {b: {c: 1}}\n', { maxDepth: 2 })).toBeUndefined();
    expect(fastReadYaml('a: {b: {c: 1}}\n', { maxDepth: 3 })).toEqual({ value: { a: { b: { c: 1 } } } });
  });
});

describe('fast reader accepts the files people write', () => {
  function yamlFilesUnder(dir: string): string[] {
    return readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .map((f) => path.join(dir, f))
      .filter((f) => f.endsWith('.yaml') && statSync(f).isFile());
  }

  it('every file of the example repository, with the value parseYaml gives', () => {
    const files = yamlFilesUnder(path.join(root, 'flags'));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const source = readFileSync(file, 'utf8');
      const fast = fastReadYaml(source);
      expect(fast, file).toBeDefined();
      expect(isDeepStrictEqual(fast?.value, parseYaml(source, file).value), file).toBe(true);
    }
  });

  it('YAML 1.1 booleans stay strings, core scalars resolve as in parseYaml', () => {
    const source = 'a: no\nb: on\nc: y\nd: yes\ne: off\nh: true\ni: ~\nj: 0x1F\nk: 0o17\nl: 1.50\nm: .inf\nn: 2024-01-01\no: 1_000\np: "1"\n';
    expect(fastReadYaml(source)?.value).toEqual(parseYaml(source, 'f.yaml').value);
    expect(fastReadYaml(source)?.value).toMatchObject({ a: 'no', b: 'on', d: 'yes', h: true, i: null, j: 31, k: 15, l: 1.5, n: '2024-01-01', o: '1_000', p: '1' });
  });

  it('comments, block scalars, quoted keys and one-line flow collections', () => {
    const source = '# yaml-language-server: $schema=x\nversion: 1 # v\n"quoted key": |\n  line 1\n  line 2\nflow: { a: [1, two], b: {} }\nempty: []\n';
    expect(fastReadYaml(source)?.value).toEqual(parseYaml(source, 'f.yaml').value);
  });

  it('__proto__ as a key is an own property in both readers', () => {
    const source = '__proto__: {polluted: true}\nb: 1\n';
    const fast = fastReadYaml(source)?.value;
    expect(isDeepStrictEqual(fast, parseYaml(source, 'f.yaml').value)).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('core scalar resolution', () => {
  it('the first-character shortcut never skips a string some core resolver would match', () => {
    const text = fc.oneof(fc.constantFrom(...TRICKY), fc.string({ maxLength: 10 }), fc.stringMatching(/^[-+.0-9a-zA-Z_:~]{0,8}$/));
    fc.assert(
      fc.property(text, (s) => Object.is(resolveCorePlainScalar(s), resolveByTest(s))),
      { numRuns: RUNS * 5 },
    );
  });
});
