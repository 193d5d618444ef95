import { Flags } from '@oclif/core';
import { FfCommand } from '../base-command.js';
import { CliError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { dirArg } from '../flags.js';
import { messages } from '../messages.js';

export default class Codeowners extends FfCommand {
  static override summary = 'Generate or check the CODEOWNERS section that makes a flag change need its owner’s approval.';
  static override description = [
    'Each flags file is owned by the GitHub owners of its flags: an owner written as @user, @org/team or an e-mail is used as is; any other name is looked up in DIR/.ff-codeowners.yaml. With branch protection requiring review from Code Owners, a pull request touching a flag then needs its owner’s approval.',
    'Writes the section (between its BEGIN and END lines) into .github/CODEOWNERS (or the CODEOWNERS GitHub reads first, or --file), keeping every other line. --check writes nothing and exits 1 when the file is not up to date; --stdout prints the section only.',
  ].join('\n\n');

  static override examples = [
    { description: 'Update .github/CODEOWNERS from the flags in ./flags.', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'In CI: fail when CODEOWNERS is out of date.', command: '<%= config.bin %> <%= command.id %> flags --check' },
  ];

  static override args = { dir: dirArg };

  static override flags = {
    check: Flags.boolean({ char: 'c', description: 'Write nothing; exit 1 when the CODEOWNERS file is not up to date.', default: false, exclusive: ['stdout'] }),
    stdout: Flags.boolean({ description: 'Print the section instead of writing it.', default: false }),
    file: Flags.file({ description: 'The CODEOWNERS file (default: .github/CODEOWNERS, CODEOWNERS or docs/CODEOWNERS at the repository root, whichever exists).', helpValue: '<file>' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Codeowners);
    const { codeowners } = await import('../actions/codeowners.js');
    const mode = flags.check ? 'check' : flags.stdout ? 'stdout' : 'write';
    const outcome = await codeowners({ dir: args.dir, mode, ...(flags.file ? { file: flags.file } : {}) });
    if (!outcome.ok) {
      const { renderDiagnosticLines } = await import('../render/diagnostic-line.js');
      this.printError(renderDiagnosticLines(outcome.errors, this.errorColors, args.dir));
      throw new CliError('REPO_INVALID', messages.repoInvalid(args.dir, outcome.errors.length));
    }
    const { result } = outcome;
    const notes = [
      ...result.ownerless.map((o) => messages.codeownersOwnerless(o.flag, o.path)),
      ...result.unmapped.map((u) => messages.codeownersUnmapped(u.flag, u.owner, u.path)),
      ...result.shared.map((p) => messages.codeownersShared(p)),
    ];
    for (const note of notes) this.printError(this.errorColors.yellow(`warning: ${note}`));
    if (mode === 'stdout') {
      this.print(result.section);
      return this.finish(ExitCode.ok);
    }
    if (mode === 'check') {
      if (outcome.after !== outcome.before) {
        const { createTwoFilesPatch } = await import('diff');
        this.print(createTwoFilesPatch(outcome.file, outcome.file, outcome.before, outcome.after).split('\n').filter((l) => !l.startsWith('=====')).join('\n'));
        throw new CliError('CODEOWNERS_OUTDATED', messages.codeownersOutdated(outcome.file));
      }
      this.printError(messages.codeownersUpToDate(outcome.file, outcome.owned));
      return this.finish(ExitCode.ok);
    }
    this.printError(messages.codeownersWritten(outcome.file, outcome.owned, outcome.after !== outcome.before));
    this.finish(ExitCode.ok);
  }
}
