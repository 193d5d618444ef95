import { CliError } from '../errors.js';
import { messages } from '../messages.js';

export interface RevisionRange {
  from: string;
  to: string;
}

/** `A..B`; either side may be empty for HEAD, as in git (`A..` is A..HEAD). */
export function parseRevisionRange(spec: string): RevisionRange {
  const at = spec.indexOf('..');
  if (at < 0 || spec.slice(at + 2).startsWith('.')) throw new CliError('USAGE', messages.badRange(spec));
  const from = spec.slice(0, at) || 'HEAD';
  const to = spec.slice(at + 2) || 'HEAD';
  if (spec === '..') throw new CliError('USAGE', messages.badRange(spec));
  return { from, to };
}
