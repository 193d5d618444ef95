// The YAML safety profile of core/yaml: what is refused, where it is reported,
// and that hostile input costs little.
import { describe, expect, it } from 'vitest';
import { fastReadYaml } from '../../core/yaml/fast-read.js';
import { parseYaml } from '../../core/yaml/index.js';
import type { ParsedYaml } from '../../core/yaml/index.js';

function codes(parsed: ParsedYaml): string[] {
  return parsed.diagnostics.map((d) => d.code);
}

function at(parsed: ParsedYaml, code: string): { line?: number; column?: number } {
  const d = parsed.diagnostics.find((x) => x.code === code);
  return { line: d?.line, column: d?.column };
}

describe('YAML 1.2 core schema, always', () => {
  const words = 'a: no\nb: on\nc: y\nd: yes\ne: off\nf: n\ng: NO\nh: true\ni: ~\nj: 0x1F\n';

  it('keeps YAML 1.1 booleans as strings', () => {
    const parsed = parseYaml(words, 'f.yaml');
    expect(parsed.ok).toBe(true);
    expect(parsed.value).toEqual({ a: 'no', b: 'on', c: 'y', d: 'yes', e: 'off', f: 'n', g: 'NO', h: true, i: null, j: 31 });
    expect(parsed.diagnostics).toEqual([]);
  });

  it('ignores a %YAML 1.1 directive (with a warning) and still reads 1.2', () => {
    const parsed = parseYaml('%YAML 1.1\n---\n' + words, 'f.yaml');
    expect(parsed.ok).toBe(true);
    expect(parsed.value).toMatchObject({ a: 'no', b: 'on', c: 'y', d: 'yes', e: 'off' });
    expect(codes(parsed)).toEqual(['YAML_VERSION_IGNORED']);
    expect(parsed.diagnostics[0]).toMatchObject({ severity: 'warning', line: 1, column: 1 });
  });

  it('reads sexagesimal-looking and octal-looking YAML 1.1 numbers as 1.2 does', () => {
    const parsed = parseYaml('%YAML 1.1\n---\na: 1:30\nb: 010\n', 'f.yaml');
    expect(parsed.value).toEqual({ a: '1:30', b: 10 });
  });
});

describe('refused constructs', () => {
  it('rejects duplicate keys at the second key', () => {
    const parsed = parseYaml('a: 1\nb:\n  c: 1\n  c: 2\n', 'f.yaml');
    expect(codes(parsed)).toEqual(['YAML_DUPLICATE_KEY']);
    expect(at(parsed, 'YAML_DUPLICATE_KEY')).toEqual({ line: 4, column: 3 });
    expect(parsed.ok).toBe(false);
    expect(parsed.value).toBeUndefined();
  });

  it('rejects merge keys instead of reading "<<" as a key, also under %YAML 1.1', () => {
    const src = 'base: &b {x: 1}\nuse:\n  <<: *b\n  y: 2\n';
    for (const text of [src, '%YAML 1.1\n---\n' + src]) {
      const parsed = parseYaml(text, 'f.yaml');
      expect(codes(parsed)).toContain('YAML_MERGE_KEY');
      expect(parsed.ok).toBe(false);
    }
    expect(at(parseYaml(src, 'f.yaml'), 'YAML_MERGE_KEY')).toEqual({ line: 3, column: 3 });
  });

  it.each([
    ['!!js/function "f()"', '!!js/function'],
    ['!!binary aGVsbG8=', '!!binary'],
    ['!!set {a}', '!!set'],
    ['!!timestamp 2024-01-01', '!!timestamp'],
    ['!custom x', '!custom'],
    ['!!python/object:os.system ls', '!!python/object:os.system'],
  ])('rejects the tag in %s', (value, tag) => {
    const parsed = parseYaml(`a: 1\nb: ${value}\n`, 'f.yaml');
    expect(codes(parsed)).toEqual(['YAML_TAG']);
    expect(parsed.diagnostics[0]?.message).toContain(tag);
    expect(at(parsed, 'YAML_TAG')).toEqual({ line: 2, column: 4 });
    expect(parsed.ok).toBe(false);
  });

  it('accepts the core tags', () => {
    const parsed = parseYaml('a: !!str 12\nb: !!int "7"\nc: !!bool true\nd: !!seq [1]\ne: !!map {x: 1}\n', 'f.yaml');
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.value).toEqual({ a: '12', b: 7, c: true, d: [1], e: { x: 1 } });
  });

  it('rejects a second document at its separator', () => {
    const parsed = parseYaml('a: 1\n---\nb: 2\n---\nc: 3\n', 'f.yaml');
    expect(codes(parsed)).toEqual(['YAML_MULTI_DOCUMENT', 'YAML_MULTI_DOCUMENT']);
    expect(parsed.diagnostics.map((d) => d.line)).toEqual([2, 4]);
  });

  it('accepts one document with an explicit start marker', () => {
    expect(parseYaml('---\na: 1\n', 'f.yaml').value).toEqual({ a: 1 });
  });

  it('rejects collections as keys', () => {
    const parsed = parseYaml('? [a, b]\n: c\n', 'f.yaml');
    expect(codes(parsed)).toEqual(['YAML_COMPLEX_KEY']);
  });

  it('reads scalar keys as their text', () => {
    expect(parseYaml('1.10: a\ntrue: b\nnull: c\n', 'f.yaml').value).toEqual({ '1.10': 'a', true: 'b', null: 'c' });
  });

  it('reports syntax errors with a position, all of them', () => {
    const parsed = parseYaml('a: [1, 2\nb: {\nc: "x\n', 'f.yaml');
    expect(parsed.diagnostics.length).toBeGreaterThanOrEqual(2);
    for (const d of parsed.diagnostics) {
      expect(d.code).toBe('YAML_SYNTAX');
      expect(d.file).toBe('f.yaml');
      expect(d.line).toBeGreaterThanOrEqual(1);
      expect(d.column).toBeGreaterThanOrEqual(1);
    }
  });

  it('treats an empty or comment-only file as an empty document', () => {
    for (const text of ['', '# nothing here\n']) {
      const parsed = parseYaml(text, 'f.yaml');
      expect(parsed).toMatchObject({ ok: true, empty: true, value: null, diagnostics: [] });
    }
  });
});

describe('aliases are bounded', () => {
  it('accepts a few ordinary aliases', () => {
    const parsed = parseYaml('keys: &k [a, b]\nx: *k\ny: *k\n', 'f.yaml');
    expect(parsed.value).toEqual({ keys: ['a', 'b'], x: ['a', 'b'], y: ['a', 'b'] });
  });

  it('rejects an alias with no anchor before it', () => {
    const parsed = parseYaml('x: *nowhere\n', 'f.yaml');
    expect(codes(parsed)).toEqual(['YAML_ALIAS_UNDEFINED']);
    expect(at(parsed, 'YAML_ALIAS_UNDEFINED')).toEqual({ line: 1, column: 4 });
  });

  it('rejects an alias to the node that contains it', () => {
    const parsed = parseYaml('a: &x [1, *x]\n', 'f.yaml');
    expect(codes(parsed)).toEqual(['YAML_ALIAS_UNDEFINED']);
  });

  it('rejects more aliases than the limit', () => {
    const text = 'a: &a 1\nlist:\n' + '  - *a\n'.repeat(101);
    const parsed = parseYaml(text, 'f.yaml');
    expect(codes(parsed)).toEqual(['YAML_ALIAS_LIMIT']);
    expect(parseYaml(text, 'f.yaml', { maxAliases: 200 }).ok).toBe(true);
  });

  it('rejects a billion-laughs document without expanding it', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 12; i++) {
      const prev = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill('*' + prev).join(',')}]`);
    }
    const bomb = levels.join('\n') + '\n';
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    const parsed = parseYaml(bomb, 'bomb.yaml');
    const grown = process.memoryUsage().heapUsed - before;
    expect(codes(parsed)).toEqual(['YAML_ALIAS_LIMIT']);
    expect(parsed.value).toBeUndefined();
    // Expanded, 9^12 nodes would need terabytes; refusing it needs almost nothing.
    expect(grown).toBeLessThan(32 * 1024 * 1024);
  });
});

describe('nesting depth is bounded before anything recursive runs', () => {
  const nested = (depth: number): string => 'a: ' + '['.repeat(depth - 1) + ']'.repeat(depth - 1) + '\n';

  it('accepts 64 levels and refuses 65', () => {
    expect(parseYaml(nested(64), 'f.yaml').ok).toBe(true);
    const parsed = parseYaml(nested(65), 'f.yaml');
    expect(codes(parsed)).toEqual(['YAML_TOO_DEEP']);
    expect(at(parsed, 'YAML_TOO_DEEP')).toEqual({ line: 1, column: 4 + 63 });
  });

  it('refuses deep block nesting too', () => {
    const lines = Array.from({ length: 70 }, (_, i) => ' '.repeat(i) + 'k:').join('\n') + ' 1\n';
    expect(codes(parseYaml(lines, 'f.yaml'))).toEqual(['YAML_TOO_DEEP']);
  });

  it('refuses 50,000 levels cleanly, without a stack overflow', () => {
    const text = '['.repeat(50_000) + ']'.repeat(50_000);
    const parsed = parseYaml(text, 'f.yaml');
    expect(codes(parsed)).toEqual(['YAML_TOO_DEEP']);
  });

  it('honours a custom depth', () => {
    expect(codes(parseYaml(nested(5), 'f.yaml', { maxDepth: 4 }))).toEqual(['YAML_TOO_DEEP']);
  });
});

describe('size cap', () => {
  it('refuses a source over the cap without parsing it', () => {
    const text = 'a: [unclosed\n' + '#'.repeat(2000);
    const parsed = parseYaml(text, 'big.yaml', { maxFileBytes: 1024 });
    expect(parsed.diagnostics).toEqual([
      expect.objectContaining({ code: 'FILE_TOO_LARGE', file: 'big.yaml', line: 1, column: 1 }),
    ]);
    expect(parsed.document).toBeUndefined();
  });

  it('counts bytes, not characters', () => {
    const text = 'a: "' + 'é'.repeat(600) + '"\n'; // 600 characters, 1200 bytes
    expect(codes(parseYaml(text, 'f.yaml', { maxFileBytes: 1024 }))).toEqual(['FILE_TOO_LARGE']);
  });

  it('defaults to 1 MiB', () => {
    const text = 'a: "' + 'x'.repeat(1024 * 1024) + '"\n';
    expect(codes(parseYaml(text, 'f.yaml'))).toEqual(['FILE_TOO_LARGE']);
  });
});

describe('raw control characters', () => {
  it('refuses a raw NUL in a scalar, at its line and column', () => {
    const parsed = parseYaml('version: 1\nflags:\n  - key: a\n    description: "x\u0000y"\n', 'f.yaml');
    expect(parsed.ok).toBe(false);
    expect(codes(parsed)).toEqual(['YAML_CONTROL_CHARACTER']);
    expect(at(parsed, 'YAML_CONTROL_CHARACTER')).toEqual({ line: 4, column: 20 });
  });

  it('refuses ESC, DEL and a C1 control, but not tab, CR LF or NEL', () => {
    for (const c of ['\u001b', '\u007f', '\u0090', '\ufffe']) {
      expect(codes(parseYaml(`a: x${c}y\n`, 'f.yaml'))).toEqual(['YAML_CONTROL_CHARACTER']);
    }
    expect(parseYaml('a: "x\ty"\r\nb: x\u0085y\n', 'f.yaml').ok).toBe(true);
  });

  it('accepts the same characters written as escapes', () => {
    const parsed = parseYaml('a: "x\\0y\\x1b"\n', 'f.yaml');
    expect(parsed.ok).toBe(true);
    expect(parsed.value).toEqual({ a: 'x\u0000y\u001b' });
  });

  it('the fast reader declines such a file, so the diagnostic is always reported', () => {
    expect(fastReadYaml('a: x\u0000y\n')).toBeUndefined();
  });
});
