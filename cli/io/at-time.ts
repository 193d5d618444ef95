import { parseIsoDate } from '../../core/engine/iso-date.js';
import { CliError } from '../errors.js';
import { messages } from '../messages.js';

/** `--at` as epoch milliseconds: the engine's own strict ISO-8601 reading (an offset is required). */
export function parseAtTime(text: string): number {
  const millis = parseIsoDate(text.trim());
  if (Number.isNaN(millis)) throw new CliError('INVALID_TIME', messages.invalidTime(text));
  return millis;
}
