import { Command, Errors } from '@oclif/core';
import type { ExitCode } from './exit-codes.js';
import { paletteFor, type Palette } from './io/colors.js';
import { renderCliError } from './render/error.js';
import { toCliError } from './to-cli-error.js';

/**
 * What every `ff` command shares: where output goes, whether it is coloured,
 * and how a failure ends the process (one line on stderr, a stable exit code,
 * no stack trace). Commands stay parse → core call → render.
 */
export abstract class FfCommand extends Command {
  /** Colours for stdout: on only for a terminal, never under NO_COLOR. */
  protected get colors(): Palette {
    return paletteFor(process.stdout);
  }

  /** Colours for stderr, decided on stderr's own terminal-ness. */
  protected get errorColors(): Palette {
    return paletteFor(process.stderr);
  }

  /** Data: the command's result. */
  protected print(text: string): void {
    if (text === '') return;
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Commentary and problems, kept off stdout so data can be piped. */
  protected printError(text: string): void {
    if (text === '') return;
    process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /**
   * Ends the command with a status from the exit-code table. Setting the code
   * rather than calling process.exit lets buffered output drain first.
   */
  protected finish(code: ExitCode): void {
    process.exitCode = code;
  }

  protected override async catch(err: Error & { exitCode?: number }): Promise<void> {
    if (err instanceof Errors.ExitError) throw err;
    // A parse failure is still a parse: spare the user oclif's developer warning.
    this.parsed = true;
    const error = toCliError(err, this.id, Object.keys(this.ctor.flags ?? {}));
    this.printError(renderCliError(error, this.errorColors));
    if (error.code === 'INTERNAL' && process.env.FF_DEBUG) this.printError(err.stack ?? '');
    this.finish(error.exitCode);
  }
}
