import type { Hook } from '@oclif/core';
import { CliError } from '../errors.js';
import { paletteFor } from '../io/colors.js';
import { messages } from '../messages.js';
import { renderCliError } from '../render/error.js';

/** `ff nosuch`: the same one-line USAGE error and exit status as a bad flag, not oclif's default. */
const hook: Hook.CommandNotFound = async function (options) {
  const known = [...new Set(options.config.commandIDs)].sort();
  const error = new CliError('USAGE', messages.unknownCommand(options.id, known));
  process.stderr.write(renderCliError(error, paletteFor(process.stderr)));
  process.exitCode = error.exitCode;
};

export default hook;
