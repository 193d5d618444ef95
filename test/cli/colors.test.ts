import { describe, expect, it } from 'vitest';
import { colorEnabled, paletteFor, stripAnsi } from '../../cli/io/colors.js';

describe('colour decision', () => {
  it('colours a terminal, not a pipe', () => {
    expect(colorEnabled({ isTTY: true }, {})).toBe(true);
    expect(colorEnabled({ isTTY: false }, {})).toBe(false);
    expect(colorEnabled({}, {})).toBe(false);
  });

  it('never colours under NO_COLOR, even on a terminal or with FORCE_COLOR', () => {
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(false);
  });

  it('ignores an empty NO_COLOR, as no-color.org specifies', () => {
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
  });

  it('lets FORCE_COLOR colour a pipe, unless it is 0 or false', () => {
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: '0' })).toBe(false);
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: 'false' })).toBe(false);
  });

  it('gives a palette that honours the decision', () => {
    expect(paletteFor({ isTTY: true }, {}).red('x')).not.toBe('x');
    expect(paletteFor({ isTTY: true }, { NO_COLOR: 'yes' }).red('x')).toBe('x');
  });

  it('strips ANSI sequences', () => {
    expect(stripAnsi(paletteFor({ isTTY: true }, {}).bold(paletteFor({ isTTY: true }, {}).red('x')))).toBe('x');
  });
});
