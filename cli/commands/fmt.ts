import { Flags } from '@oclif/core';
import { fmtSucceeded, formatRepository } from '../actions/fmt.js';
import { FfCommand } from '../base-command.js';
import { ExitCode } from '../exit-codes.js';
import { dirArg } from '../flags.js';
import { renderFmtChangedFiles, renderFmtSummary } from '../render/fmt-text.js';

export default class Fmt extends FfCommand {
  static override summary = 'Rewrite every YAML file of a flags repository in the canonical format.';
  static override description = [
    'Idempotent and comment-preserving: formatting a formatted file changes nothing, and a formatted file loads to the same flags.',
    'Prints the files it rewrote. Files that do not parse are reported and left untouched (exit 1).',
    'With --check nothing is written: it lists the files that would change and exits 1 if there are any.',
  ].join('\n\n');

  static override examples = [
    { description: 'Format ./flags in place.', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'Fail CI when a file is not formatted.', command: '<%= config.bin %> <%= command.id %> flags --check' },
  ];

  static override args = { dir: dirArg };

  static override flags = {
    check: Flags.boolean({
      char: 'c',
      description: 'Write nothing; list the files that would change and exit 1 if any would.',
      default: false,
    }),
    diff: Flags.boolean({
      char: 'd',
      description: 'Write nothing; print what would change as a unified diff and exit 1 if anything would (implies --check).',
      default: false,
    }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Fmt);
    const report = await formatRepository(args.dir, { check: flags.check || flags.diff, diff: flags.diff });
    this.print(flags.diff ? (await import('../render/fmt-diff.js')).renderFmtDiff(report) : renderFmtChangedFiles(report));
    this.printError(renderFmtSummary(report, this.errorColors));
    this.finish(fmtSucceeded(report) ? ExitCode.ok : ExitCode.failure);
  }
}
