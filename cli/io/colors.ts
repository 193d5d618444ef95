import pc from 'picocolors';

export type Palette = ReturnType<typeof pc.createColors>;

interface ColorEnv {
  readonly [name: string]: string | undefined;
}

/**
 * Colour only on a terminal, never under NO_COLOR (https://no-color.org: set and
 * not empty). FORCE_COLOR (not "0") turns it on for pipes, which CI logs render;
 * NO_COLOR still wins, because a user who set it asked for none, ever.
 */
export function colorEnabled(stream: { isTTY?: boolean }, env: ColorEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  return stream.isTTY === true;
}

export function paletteFor(stream: { isTTY?: boolean }, env: ColorEnv = process.env): Palette {
  return pc.createColors(colorEnabled(stream, env));
}

/** A palette that never colours: for JSON and GitHub output, and for tests. */
export const plain: Palette = pc.createColors(false);

// ESC [ ... final byte: the only sequences picocolors and oclif's messages carry.
const ESC = String.fromCharCode(27);
const ANSI = new RegExp(`${ESC}\\[[0-9;]*[A-Za-z]`, 'g');

export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

export function hasAnsi(text: string): boolean {
  return text.includes(`${ESC}[`);
}
