import { loadHelpClass, type Hook } from '@oclif/core';
import { closest } from '../../core/validation/suggest.js';
import { CliError } from '../errors.js';
import { paletteFor } from '../io/colors.js';
import { messages } from '../messages.js';
import { renderCliError } from '../render/error.js';

/**
 * `ff nosuch`: the same one-line USAGE error and exit status as a bad flag,
 * not oclif's default, with the nearest command when it looks like a typo.
 * `ff help [command…]` is `ff [command…] --help`, as in gh and kubectl.
 */
const hook: Hook.CommandNotFound = async function (options) {
  const known = [...new Set(options.config.commandIDs)].sort();
  if (options.id === 'help' || options.id.startsWith('help:')) {
    const Help = await loadHelpClass(options.config);
    const topic = options.id.split(':').slice(1);
    await new Help(options.config).showHelp([...topic, ...(options.argv ?? [])]);
    return;
  }
  // With a space as topic separator oclif joins the arguments into the id
  // ("valdate:flags"): the command typed is the longest prefix that is close to one.
  const words = options.id.split(':');
  const commands = known.map((k) => k.replace(/:/g, ' '));
  let typed = options.id;
  let suggestion: string | undefined;
  for (let n = Math.min(words.length, 2); n >= 1 && suggestion === undefined; n--) {
    suggestion = closest(words.slice(0, n).join(' '), commands);
    if (suggestion !== undefined) typed = words.slice(0, n).join(':');
  }
  const error = new CliError('USAGE', messages.unknownCommand(typed, known, suggestion));
  process.stderr.write(renderCliError(error, paletteFor(process.stderr)));
  process.exitCode = error.exitCode;
};

export default hook;
