// ff fmt's core: canonical, idempotent, meaning- and comment-preserving.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { Document, isCollection, isMap, isPair, isScalar, visit } from 'yaml';
import type { YAMLMap } from 'yaml';
import { describe, expect, it } from 'vitest';
import { formatSource } from '../../core/fmt/index.js';
import { listRepositoryFiles } from '../../core/repo/index.js';
import { parseYaml } from '../../core/yaml/index.js';
import { VALID_DIR } from '../fixtures/expectations.js';

function load(text: string): unknown {
  const parsed = parseYaml(text, 'f.yaml');
  if (!parsed.ok) throw new Error(parsed.diagnostics.map((d) => d.message).join('; '));
  return parsed.value;
}

const FLAG_ORDER = ['key', 'description', 'owner', 'kind', 'expires', 'tags', 'type', 'variants', 'offVariant', 'salt', 'prerequisites', 'environments'];

describe('formatSource', () => {
  it('orders known keys canonically and re-indents to two spaces', () => {
    const source = [
      'flags:',
      '    -   offVariant: off',
      '        environments:',
      '            production:',
      '                default: {variant: on}',
      '                enabled: true',
      '        variants: {on: true, off: false}',
      '        type: boolean',
      '        key: a',
      'version: 1',
      '',
    ].join('\n');
    const result = formatSource(source, 'f.yaml');
    expect(result.diagnostics).toEqual([]);
    expect(result.changed).toBe(true);
    expect(result.output).toBe(
      [
        'version: 1',
        'flags:',
        '  - key: a',
        '    type: boolean',
        '    variants: {on: true, off: false}',
        '    offVariant: off',
        '    environments:',
        '      production:',
        '        enabled: true',
        '        default: {variant: on}',
        '',
      ].join('\n'),
    );
  });

  it('keeps the order of user-keyed maps and puts unknown keys last, in their order', () => {
    const source = 'version: 1\nflags:\n  - zeta: 1\n    variants: { z: 1, a: 2, m: 3 }\n    alpha: 2\n    key: k\n';
    const output = formatSource(source, 'f.yaml').output;
    expect(output).toBe('version: 1\nflags:\n  - key: k\n    variants: {z: 1, a: 2, m: 3}\n    zeta: 1\n    alpha: 2\n');
  });

  it('orders the lifecycle keys: kind and expires after owner, lifetimes after environments in kind order', () => {
    const tenant = 'lifetimes:\n  permission: permanent\n  release: 30\nenvironments:\n  - key: production\ntenant: acme\nversion: 1\n';
    expect(formatSource(tenant, 'tenant.yaml').output).toBe(
      'version: 1\ntenant: acme\nenvironments:\n  - key: production\nlifetimes:\n  release: 30\n  permission: permanent\n',
    );
    const flags = 'version: 1\nflags:\n  - expires: 2026-01-31\n    type: boolean\n    kind: experiment\n    owner: t\n    key: a\n';
    expect(formatSource(flags, 'f.yaml').output).toBe(
      'version: 1\nflags:\n  - key: a\n    owner: t\n    kind: experiment\n    expires: 2026-01-31\n    type: boolean\n',
    );
  });

  it('orders tenant.yaml, segments, rules, conditions and serve', () => {
    const tenant = 'environments:\n  - name: Prod\n    key: production\ntenant: acme\nversion: 1\n';
    expect(formatSource(tenant, 'tenant.yaml').output).toBe('version: 1\ntenant: acme\nenvironments:\n  - key: production\n    name: Prod\n');
    const flags = [
      'version: 1',
      'segments:',
      '  - include: [u]',
      '    conditions:',
      '      - value: x',
      '        operator: equals',
      '        attribute: a',
      '    key: s',
      'flags:',
      '  - key: f',
      '    environments:',
      '      prod:',
      '        rules:',
      '          - serve: { bucketBy: b, rollout: { y: 1, x: 1 } }',
      '            id: r',
      '        enabled: true',
      '',
    ].join('\n');
    expect(formatSource(flags, 'f.yaml').output).toBe(
      [
        'version: 1',
        'flags:',
        '  - key: f',
        '    environments:',
        '      prod:',
        '        enabled: true',
        '        rules:',
        '          - id: r',
        '            serve: {rollout: {y: 1, x: 1}, bucketBy: b}',
        'segments:',
        '  - key: s',
        '    conditions:',
        '      - attribute: a',
        '        operator: equals',
        '        value: x',
        '    include: [u]',
        '',
      ].join('\n'),
    );
  });

  it('preserves comments and keeps the schema line first', () => {
    const source = [
      '# yaml-language-server: $schema=../../schemas/flags-file.schema.json',
      '# Checkout flags',
      'flags:',
      '  # the new checkout',
      '  - type: boolean # a boolean',
      '    key: a # the key',
      '    variants:',
      '      on: true # yes',
      '      off: false',
      '    offVariant: off',
      'version: 1',
      '# trailing',
      '',
    ].join('\n');
    const result = formatSource(source, 'f.yaml');
    expect(result.diagnostics).toEqual([]);
    expect(result.output.split('\n')[0]).toBe('# yaml-language-server: $schema=../../schemas/flags-file.schema.json');
    for (const comment of ['# Checkout flags', '# the new checkout', '# a boolean', '# the key', '# yes', '# trailing']) {
      expect(result.output).toContain(comment);
    }
    expect(load(result.output)).toEqual(load(source));
    expect(formatSource(result.output, 'f.yaml').output).toBe(result.output);
  });

  it('keeps a comment on a block scalar header (yaml would drop it) by moving it above', () => {
    const source = 'version: 1\nflags:\n  - key: a\n    description: |- # why\n      two\n      lines\n';
    const result = formatSource(source, 'f.yaml');
    expect(result.diagnostics).toEqual([]);
    expect(result.output).toContain('# why');
    expect(load(result.output)).toEqual(load(source));
    expect(formatSource(result.output, 'f.yaml').output).toBe(result.output);
  });

  it('keeps the schema line first even before a %YAML directive', () => {
    const source = '# yaml-language-server: $schema=x.json\n%YAML 1.1\n---\nversion: 1\nflags: []\n';
    const result = formatSource(source, 'f.yaml');
    expect(result.output.startsWith('# yaml-language-server: $schema=x.json\n')).toBe(true);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['YAML_VERSION_IGNORED']);
  });

  it('keeps scalar styles, so YAML 1.1 words and numeric strings keep meaning', () => {
    const source = 'version: 1\nflags:\n  - key: "007"\n    variants: { on: "on", "no": no, n: \'1.0\' }\n';
    const result = formatSource(source, 'f.yaml');
    expect(load(result.output)).toEqual(load(source));
    expect(result.output).toContain('key: "007"');
  });

  it('folds long prose at 100 columns, and refolds a user-wrapped description the same way', () => {
    const long = 'word '.repeat(40).trim();
    const source = `version: 1\nflags:\n  - key: a\n    description: ${long}\n`;
    const result = formatSource(source, 'f.yaml');
    const lines = result.output.split('\n');
    expect(lines.length).toBeGreaterThan(5); // folded (yaml's width is a soft limit: a line may pass it by a word)
    expect(lines.every((line) => line.length <= 110)).toBe(true);
    expect(load(result.output)).toEqual(load(source));
    const wrapped = `version: 1\nflags:\n  - key: a\n    description:\n      ${'word '.repeat(20).trim()}\n      ${'word '.repeat(20).trim()}\n`;
    expect(formatSource(wrapped, 'f.yaml').output).toBe(result.output);
  });

  it('keeps short flow collections on one line', () => {
    const source = 'version: 1\nflags:\n  - key: a\n    tags: [web, api]\n';
    expect(formatSource(source, 'f.yaml').output).toBe(source);
  });

  it('refuses a file with YAML errors and returns it unchanged', () => {
    const source = 'version: 1\nflags:\n  - key: a\n    key: b\n';
    const result = formatSource(source, 'f.yaml');
    expect(result).toEqual({ output: source, changed: false, diagnostics: [expect.objectContaining({ code: 'YAML_DUPLICATE_KEY', line: 4 })] });
  });

  it('refuses when reordering would put an alias before its anchor', () => {
    const source = 'version: 1\nflags:\n  - variants: { on: &t true, off: false }\n    key: *t\n';
    const result = formatSource(source, 'f.yaml');
    expect(result.output).toBe(source);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['FMT_UNSAFE']);
  });

  it('leaves an empty file alone', () => {
    expect(formatSource('# nothing\n', 'f.yaml')).toEqual({ output: '# nothing\n', changed: false, diagnostics: [] });
  });

  it('is a no-op on the already formatted valid fixture', async () => {
    for (const file of await listRepositoryFiles(VALID_DIR)) {
      const source = readFileSync(file, 'utf8');
      const once = formatSource(source, path.basename(file));
      expect(once.diagnostics).toEqual([]);
      expect(formatSource(once.output, 'f.yaml').output).toBe(once.output);
      expect(load(once.output)).toEqual(load(source));
    }
  });
});

// ---------------------------------------------------------------------------
// Property tests: generated flag documents, written in random styles.

const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
const trickyString = fc.oneof(
  word,
  fc.constantFrom('yes', 'no', 'on', 'off', 'y', 'N', 'true', 'null', '~', '123', '1.0', '0x1F', '1e3', '', ' lead', 'a: b', '# hash', 'x #y', '-', '[a]', '{b}', '*star', '&amp', '!bang', '%pct', '@at', '`tick', 'multi\nline', 'tab\there', 'ünïcödé', '"q"', "'s'"),
  fc.string({ maxLength: 12 }),
);
const scalarValue = fc.oneof(trickyString, fc.integer({ min: -1000, max: 1000 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean());
const condition = fc.oneof(
  fc.record({ attribute: word, operator: fc.constantFrom('equals', 'contains', 'lt'), value: scalarValue, negate: fc.boolean() }, { requiredKeys: ['attribute', 'operator'] }),
  fc.record({ attribute: word, operator: fc.constant('in'), value: fc.array(scalarValue, { maxLength: 3 }), caseInsensitive: fc.boolean() }),
  fc.record({ segment: word, negate: fc.boolean() }, { requiredKeys: ['segment'] }),
);
const serve = fc.oneof(
  fc.record({ variant: word }),
  fc.record({ rollout: fc.dictionary(word, fc.integer({ min: 0, max: 100 }), { minKeys: 1, maxKeys: 3 }), bucketBy: word }, { requiredKeys: ['rollout'] }),
);
const environmentConfig = fc.record(
  {
    enabled: fc.boolean(),
    offVariant: word,
    targets: fc.dictionary(word, fc.array(word, { maxLength: 3 }), { maxKeys: 2 }),
    rules: fc.array(fc.record({ id: word, description: trickyString, conditions: fc.array(condition, { maxLength: 2 }), serve }, { requiredKeys: ['id', 'serve'] }), { maxLength: 2 }),
    default: serve,
  },
  { requiredKeys: ['enabled'] },
);
const flag = fc.record(
  {
    key: word,
    description: trickyString,
    owner: word,
    kind: fc.constantFrom('release', 'experiment', 'operational', 'kill-switch', 'permission'),
    expires: fc.constantFrom('2026-01-31', '2027-12-01'),
    tags: fc.array(word, { maxLength: 3 }),
    type: fc.constantFrom('boolean', 'string', 'number', 'object'),
    variants: fc.dictionary(word, fc.oneof(scalarValue, fc.dictionary(word, scalarValue, { maxKeys: 2 })), { minKeys: 1, maxKeys: 3 }),
    offVariant: word,
    salt: word,
    environments: fc.dictionary(fc.constantFrom('development', 'staging', 'production', 'qa'), environmentConfig, { maxKeys: 3 }),
    unknownExtra: scalarValue,
  },
  { requiredKeys: ['key', 'type', 'variants', 'offVariant'] },
);
const segment = fc.record(
  { key: word, description: trickyString, match: fc.constantFrom('all', 'any'), conditions: fc.array(condition, { maxLength: 2 }), include: fc.array(word, { maxLength: 2 }), exclude: fc.array(word, { maxLength: 2 }) },
  { requiredKeys: ['key'] },
);
const flagsDocument = fc.record({ version: fc.constant(1), flags: fc.array(flag, { maxLength: 3 }), segments: fc.array(segment, { maxLength: 2 }) }, { requiredKeys: ['version'] });

/** How one document is written: key orders, flow or block per collection, quoting, comments, indentation. */
const style: fc.Arbitrary<Style> = fc.record({
  order: fc.array(fc.nat(), { minLength: 16, maxLength: 16 }),
  flow: fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }),
  comments: fc.array(fc.option(fc.stringMatching(/^ ?[a-zA-Z0-9 .,:!?-]{0,20}$/), { nil: undefined }), { minLength: 16, maxLength: 16 }),
  indent: fc.integer({ min: 1, max: 6 }),
  indentSeq: fc.boolean(),
  stringType: fc.constantFrom('PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE') as fc.Arbitrary<'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE'>,
});

function shuffleKeys(value: unknown, order: readonly number[], counter = { i: 0 }): unknown {
  if (Array.isArray(value)) return value.map((item) => shuffleKeys(item, order, counter));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).map(([k, v]) => [k, shuffleKeys(v, order, counter)] as const);
  const rank = new Map(entries.map(([k], i) => [k, (order[(counter.i + i) % order.length] as number) * 100 + i]));
  counter.i += entries.length;
  return Object.fromEntries([...entries].sort((a, b) => (rank.get(a[0]) as number) - (rank.get(b[0]) as number)));
}

type Style = {
  order: number[];
  flow: boolean[];
  comments: Array<string | undefined>;
  indent: number;
  indentSeq: boolean;
  stringType: 'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE';
};

function write(value: unknown, s: Style): string {
  const doc = new Document(shuffleKeys(value, s.order));
  let n = 0;
  visit(doc, {
    Node(_key, node) {
      const i = n++ % 16;
      if (isCollection(node)) node.flow = s.flow[i] as boolean;
      const comment = s.comments[i];
      if (comment !== undefined && !isPair(node)) {
        if (i % 2 === 0) node.commentBefore = comment;
        else node.comment = comment;
      }
    },
  });
  doc.commentBefore = ' yaml-language-server: $schema=../../schemas/flags-file.schema.json';
  return doc.toString({ indent: s.indent, indentSeq: s.indentSeq, defaultStringType: s.stringType, defaultKeyType: 'PLAIN' });
}

function userMapOrders(value: unknown): string[][] {
  const flags = (value as { flags?: Array<Record<string, unknown>> }).flags ?? [];
  const orders: string[][] = [];
  for (const f of flags) {
    orders.push(Object.keys((f.variants as object) ?? {}), Object.keys((f.environments as object) ?? {}));
    for (const env of Object.values((f.environments as Record<string, Record<string, unknown>>) ?? {})) {
      orders.push(Object.keys((env.targets as object) ?? {}));
      const rollout = (env.default as { rollout?: object } | undefined)?.rollout;
      if (rollout) orders.push(Object.keys(rollout));
    }
  }
  return orders;
}

function flagKeyOrders(text: string): string[][] {
  const doc = parseYaml(text, 'f.yaml').document;
  const flags = doc?.get('flags');
  if (!flags || !isCollection(flags)) return [];
  const maps = (flags.items as unknown[]).filter((item): item is YAMLMap => isMap(item));
  return maps.map((m) => m.items.map((p) => (isScalar(p.key) ? String(p.key.value) : '')));
}

describe('formatSource properties', () => {
  it('is idempotent, keeps meaning, comments and user-keyed order, and orders flag keys', () => {
    let formatted = 0;
    let refused = 0;
    fc.assert(
      fc.property(flagsDocument, style, (value, s) => {
        const source = write(value, s);
        // yaml's writer can emit invalid YAML for comments on flow collections; fmt only sees valid files.
        fc.pre(parseYaml(source, 'f.yaml').ok);
        const before = load(source);
        const once = formatSource(source, 'f.yaml');
        if (once.diagnostics.length > 0) {
          // The one refusal allowed: yaml itself drops a bare "#" on a block
          // scalar's header line, and fmt will not write a file that lost a comment.
          expect(once.diagnostics.map((d) => d.code)).toEqual(['FMT_UNSAFE']);
          expect(once.output).toBe(source);
          refused += 1;
          return;
        }
        formatted += 1;
        const twice = formatSource(once.output, 'f.yaml');
        expect(twice.output).toBe(once.output);
        expect(twice.changed).toBe(false);
        const after = load(once.output);
        expect(isDeepStrictEqual(after, before)).toBe(true);
        expect(userMapOrders(after)).toEqual(userMapOrders(before));
        expect(once.output.startsWith('# yaml-language-server: $schema=')).toBe(true);
        for (const keys of flagKeyOrders(once.output)) {
          const known = keys.filter((k) => FLAG_ORDER.includes(k));
          expect(known).toEqual([...known].sort((a, b) => FLAG_ORDER.indexOf(a) - FLAG_ORDER.indexOf(b)));
          expect(keys.slice(0, known.length)).toEqual(known);
        }
        for (const line of once.output.split('\n')) {
          const indent = /^ */.exec(line)?.[0].length ?? 0;
          if (!line.trimStart().startsWith('#') && line.trim() !== '') expect(indent % 2).toBe(0);
        }
      }),
      { numRuns: 100 },
    );
    expect(formatted).toBeGreaterThan(4 * refused);
  });
});
