// How ff refs recognises a flag key in text: whole tokens only, aliases and
// literals from the configuration, dotted keys, positions in characters.
import { describe, expect, it } from 'vitest';
import { aliasOf, readRefsConfig, RefMatcher } from '../../core/refs/index.js';

const find = (matcher: RefMatcher, text: string) => matcher.scan(text).map((m) => [m.flag, m.alias, m.line, m.column]);

describe('aliasOf', () => {
  it('spells a key as LaunchDarkly’s alias kinds do', () => {
    expect(['camelCase', 'pascalCase', 'snakeCase', 'upperSnakeCase', 'dotCase'].map((k) => aliasOf('new-checkout_v2', k as never))).toEqual([
      'newCheckoutV2',
      'NewCheckoutV2',
      'new_checkout_v2',
      'NEW_CHECKOUT_V2',
      'new.checkout.v2',
    ]);
    expect(aliasOf('darkMode', 'upperSnakeCase')).toBe('DARK_MODE');
  });
});

describe('RefMatcher', () => {
  it('finds whole tokens only, with 1-based line and column', () => {
    const m = new RefMatcher(['new-checkout', 'beta'], undefined);
    const text = "if (ff.bool('new-checkout')) {}\nrenew-checkout new-checkout-v2 new_checkout\n  x = flags.new-checkout; alphabeta beta\n";
    expect(find(m, text)).toEqual([
      ['new-checkout', 'new-checkout', 1, 14],
      ['new-checkout', 'new-checkout', 3, 13],
      ['beta', 'beta', 3, 37],
    ]);
    expect(m.scan(text)[0]!.text).toBe("if (ff.bool('new-checkout')) {}");
  });

  it('adds configured aliases and literals, and reports which spelling matched', () => {
    const m = new RefMatcher(['new-checkout'], { version: 1, aliases: ['camelCase', 'upperSnakeCase'], literals: { 'new-checkout': ['CHECKOUT_V2'] } });
    expect(find(m, 'const a = flags.newCheckout;\nexport const NEW_CHECKOUT = 1; use(CHECKOUT_V2)\n')).toEqual([
      ['new-checkout', 'newCheckout', 1, 17],
      ['new-checkout', 'NEW_CHECKOUT', 2, 14],
      ['new-checkout', 'CHECKOUT_V2', 2, 36],
    ]);
  });

  it('counts columns in characters after non-ASCII text, and treats non-ASCII as a separator', () => {
    const m = new RefMatcher(['café-mode', 'promo'], undefined);
    expect(find(m, '// déjà vu: promo\n€promo€\n')).toEqual([
      ['promo', 'promo', 1, 13],
      ['promo', 'promo', 2, 2],
    ]);
  });

  it('finds keys that hold dots, whole or as pieces of a dotted token', () => {
    const m = new RefMatcher(['checkout.v2', 'banner'], undefined);
    expect(find(m, 'use("checkout.v2"); flags.banner.enabled; checkout.v20\n')).toEqual([
      ['checkout.v2', 'checkout.v2', 1, 6],
      ['banner', 'banner', 1, 27],
    ]);
  });

  it('does not depend on the number of flags for what it finds (hash collisions are checked)', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `flag-${i}`);
    const m = new RefMatcher(keys, undefined);
    expect(find(m, 'flag-19999 flag-20000 flag-0\n')).toEqual([
      ['flag-19999', 'flag-19999', 1, 1],
      ['flag-0', 'flag-0', 1, 23],
    ]);
  });
});

describe('RefMatcher patterns', () => {
  it('finds the key a pattern captures inside a longer token, at the capture, in order with the token matches', () => {
    const m = new RefMatcher(['new-checkout', 'beta'], { version: 1, aliases: ['upperSnakeCase'], patterns: ['FF_([A-Z0-9_]+)', String.raw`isOn\(Flag\.(\w+)\)`] });
    const text = 'const on = process.env.FF_NEW_CHECKOUT; beta\nif (isOn(Flag.beta)) {} FF_UNKNOWN\n';
    expect(find(m, text)).toEqual([
      ['new-checkout', 'NEW_CHECKOUT', 1, 27],
      ['beta', 'beta', 1, 41],
      // The token matcher already finds beta here: one reference, not two.
      ['beta', 'beta', 2, 15],
    ]);
    expect(m.scan(text)[0]!.text).toBe('const on = process.env.FF_NEW_CHECKOUT; beta');
    // Bytes and text give the same answer.
    expect(m.scanBytes(new TextEncoder().encode(text))).toEqual(m.scan(text));
  });

  it('ignores a capture that is no key or spelling, and keeps dotted keys working beside patterns', () => {
    const m = new RefMatcher(['checkout.v2'], { version: 1, patterns: [String.raw`flag:"([^"]+)"`] });
    expect(find(m, 'flag:"nope" flag:"checkout.v2"\nuse(checkout.v2)\n')).toEqual([
      ['checkout.v2', 'checkout.v2', 1, 19],
      ['checkout.v2', 'checkout.v2', 2, 5],
    ]);
  });
});

describe('.ff-refs.yaml patterns', () => {
  it('accepts patterns with one capture group (named or not)', () => {
    const read = readRefsConfig('version: 1\npatterns:\n  - FF_([A-Z_]+)\n  - "(?:use|get)Flag\\\\((?<key>[a-z-]+)\\\\)"\n', '.ff-refs.yaml');
    expect(read).toMatchObject({ ok: true, config: { patterns: ['FF_([A-Z_]+)', String.raw`(?:use|get)Flag\((?<key>[a-z-]+)\)`] } });
  });

  it('refuses a pattern that does not compile, or has no or several capture groups, at the pattern’s line and column', () => {
    const read = readRefsConfig('version: 1\npatterns:\n  - FF_([A-Z_]+\n  - FF_[A-Z_]+\n  - "(a)(b)"\n', '.ff-refs.yaml');
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.diagnostics.map((d) => [d.code, d.line, d.column, d.path])).toEqual([
      ['REGEX_INVALID', 3, 5, '/patterns/0'],
      ['REGEX_INVALID', 4, 5, '/patterns/1'],
      ['REGEX_INVALID', 5, 5, '/patterns/2'],
    ]);
    expect(read.diagnostics[0]!.message).toContain('pattern "FF_([A-Z_]+" is not a JavaScript regular expression: ');
    expect(read.diagnostics[1]!.message).toContain('has 0 capture groups; it needs exactly one');
    expect(read.diagnostics[2]!.message).toContain('has 2 capture groups');
  });

  it('reports schema errors before pattern checks (a pattern that is not a string)', () => {
    const read = readRefsConfig('version: 1\npatterns:\n  - 3\n  - "("\n', '.ff-refs.yaml');
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.diagnostics).toHaveLength(1);
    expect(read.diagnostics[0]!.line).toBe(3);
  });
});
