// Schema diagnostics in files: ajv's instancePath mapped to the YAML node,
// one clear message per mistake, all mistakes reported.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseFlagsSource, parseTenantSource } from '../../core/repo/index.js';
import { locatePointer, parseYaml } from '../../core/yaml/index.js';

function lines(...rows: string[]): string {
  return rows.join('\n') + '\n';
}

const FLAG_HEAD = [
  'version: 1',
  'flags:',
  '  - key: checkout',
  '    type: boolean',
  '    variants:',
  '      on: true',
  '      off: false',
  '    offVariant: off',
];

function summary(text: string): Array<[string, number | undefined, number | undefined, string | undefined]> {
  return parseFlagsSource(text, 'f.yaml').diagnostics.map((d) => [d.code, d.line, d.column, d.path]);
}

describe('ajv errors → file positions', () => {
  it('points an unknown property at its key', () => {
    const text = lines(...FLAG_HEAD, '    colour: red');
    expect(summary(text)).toEqual([['SCHEMA_UNKNOWN_PROPERTY', 9, 5, '/flags/0/colour']]);
  });

  it('points a missing required property at the parent map', () => {
    const text = lines('version: 1', 'flags:', '  - key: checkout', '    type: boolean', '    offVariant: off');
    expect(summary(text)).toEqual([['SCHEMA_REQUIRED', 3, 5, '/flags/0']]);
  });

  it('points a type error deep in a rule at the value', () => {
    const text = lines(
      ...FLAG_HEAD,
      '    environments:',
      '      production:',
      '        enabled: true',
      '        rules:',
      '          - id: r1',
      '            conditions:',
      '              - attribute: plan',
      '                operator: equals',
      '                negate: "yes"',
      '            serve: { variant: on }',
    );
    expect(summary(text)).toEqual([['SCHEMA_TYPE', 17, 25, '/flags/0/environments/production/rules/0/conditions/0/negate']]);
  });

  it('points a bad map key (propertyNames) at the key, with one diagnostic', () => {
    const text = lines('version: 1', 'flags:', '  - key: checkout', '    type: boolean', '    variants:', '      "bad name": true', '    offVariant: off');
    const diagnostics = parseFlagsSource(text, 'f.yaml').diagnostics;
    expect(diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([['SCHEMA_PROPERTY_NAME', 6, 7]]);
    expect(diagnostics[0]?.message).toContain('variant name');
  });

  it('collapses the anyOf of a condition value into one message', () => {
    const text = lines(
      ...FLAG_HEAD,
      '    environments:',
      '      production:',
      '        enabled: true',
      '        rules:',
      '          - id: r1',
      '            conditions:',
      '              - { attribute: plan, operator: equals, value: { a: 1 } }',
      '              - { attribute: plan, operator: in, value: [ok, { a: 1 }] }',
      '            serve: { variant: on }',
    );
    const diagnostics = parseFlagsSource(text, 'f.yaml').diagnostics;
    expect(diagnostics.map((d) => [d.code, d.line, d.column, d.path])).toEqual([
      ['SCHEMA_TYPE', 15, 61, '/flags/0/environments/production/rules/0/conditions/0/value'],
      ['SCHEMA_TYPE', 16, 62, '/flags/0/environments/production/rules/0/conditions/1/value/1'],
    ]);
    expect(diagnostics[0]?.message).toBe('must be a string, number, boolean or list, not a map');
    expect(diagnostics[1]?.message).toBe('must be a string, number or boolean, not a map');
  });

  it('points a duplicate list item at the second occurrence', () => {
    const text = lines(...FLAG_HEAD, '    tags: [web, api, web]');
    expect(summary(text)).toEqual([['SCHEMA_DUPLICATE_ITEM', 9, 22, '/flags/0/tags/2']]);
  });

  it('points a missing value (key with nothing after it) at the key', () => {
    const text = lines(...FLAG_HEAD, '    environments:', '      production:', '        enabled: true', '        default:');
    expect(summary(text)).toEqual([['SCHEMA_TYPE', 12, 9, '/flags/0/environments/production/default']]);
  });

  it('suggests the closest enum value and property name', () => {
    const text = lines(...FLAG_HEAD.slice(0, 3), '    type: bool', ...FLAG_HEAD.slice(4), '    ofVariant: off');
    const messages = parseFlagsSource(text, 'f.yaml').diagnostics.map((d) => d.message);
    expect(messages).toContain('"bool" is not one of: boolean, string, number, object (did you mean "boolean"?)');
    expect(messages).toContain('unknown property "ofVariant" (did you mean "offVariant"?)');
  });

  it('reports every mistake of a file, in document order', () => {
    const text = lines(
      'version: 2',
      'flags:',
      '  - key: "a b"',
      '    type: colour',
      '    variants: {}',
      '    offVariant: off',
      '  - key: ok',
      '    type: string',
      '    variants: { x: "1" }',
      '    offVariant: x',
      '    salt: "not ok!"',
      'extra: 1',
    );
    expect(summary(text).map(([code, line]) => `${code}@${line}`)).toEqual([
      'SCHEMA_CONST@1',
      'SCHEMA_PATTERN@3',
      'SCHEMA_ENUM@4',
      'SCHEMA_SIZE@5',
      'SCHEMA_PATTERN@11',
      'SCHEMA_UNKNOWN_PROPERTY@12',
    ]);
  });

  it('validates tenant.yaml against its own schema', () => {
    const text = lines('version: 1', 'tenant: Acme', 'environments: []');
    const diagnostics = parseTenantSource(text, 'tenant.yaml').diagnostics;
    expect(diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([
      ['SCHEMA_PATTERN', 2, 9],
      ['SCHEMA_SIZE', 3, 15],
    ]);
    expect(diagnostics[0]?.message).toContain('tenant key');
  });

  it('gives a YAML 1.1 hint when a boolean is written yes/no', () => {
    const text = lines(...FLAG_HEAD, '    environments:', '      production:', '        enabled: on');
    const diagnostics = parseFlagsSource(text, 'f.yaml').diagnostics;
    expect(diagnostics[0]?.message).toContain('write true or false');
  });

  it('reports YAML problems and skips the schema when the YAML is broken', () => {
    const text = lines('version: 2', 'flags:', '  - key: a', '    key: b');
    expect(summary(text).map(([code]) => code)).toEqual(['YAML_DUPLICATE_KEY']);
  });

  it('warns about an empty flags file', () => {
    expect(summary('# nothing yet\n')).toEqual([['YAML_EMPTY', 1, 1, undefined]]);
  });

  it('refuses an empty tenant.yaml', () => {
    expect(parseTenantSource('', 'tenant.yaml').diagnostics.map((d) => d.code)).toEqual(['SCHEMA_TYPE']);
  });
});

describe('locatePointer', () => {
  const text = lines('a:', '  "x/y": 1', '  "t~n": 2', 'list:', '  - &item { k: v }', '  - *item', 'empty:');
  const parsed = parseYaml(text, 'f.yaml');
  const document = parsed.document;
  if (document === undefined) throw new Error('no document');
  const position = (pointer: string, target: 'key' | 'value' = 'value'): [number, number] => {
    const range = locatePointer(document, pointer, target);
    const { line, col } = parsed.lineCounter.linePos(range.start);
    return [line, col];
  };

  it('follows escaped segments, keys and sequence indexes', () => {
    expect(position('/a/x~1y')).toEqual([2, 10]);
    expect(position('/a/x~1y', 'key')).toEqual([2, 3]);
    expect(position('/a/t~0n')).toEqual([3, 10]);
    expect(position('/list/0/k')).toEqual([5, 16]);
  });

  it('follows aliases to their anchor', () => {
    expect(position('/list/1/k')).toEqual([5, 16]);
  });

  it('falls back to the deepest existing node', () => {
    expect(position('/a/missing')).toEqual([2, 3]);
    expect(position('/list/9/k')).toEqual([5, 3]);
    expect(position('/empty')).toEqual([7, 1]);
    expect(position('')).toEqual([1, 1]);
  });

  it('agrees with the data the pointer names', () => {
    const data = parse(text) as { a: Record<string, number> };
    expect(data.a['x/y']).toBe(1);
  });
});
