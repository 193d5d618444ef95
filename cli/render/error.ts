import type { CliError } from '../errors.js';
import type { Palette } from '../io/colors.js';

/** An expected failure: optional detail lines, then exactly one line naming the code. */
export function renderCliError(error: CliError, colors: Palette): string {
  const line = `${colors.red(colors.bold('Error'))} ${colors.dim(error.code)}: ${error.message}`;
  return error.detail ? `${error.detail.replace(/\n+$/, '')}\n${line}\n` : `${line}\n`;
}
