import { Flags } from '@oclif/core';
import { validateRepository } from '../actions/validate.js';
import { FfCommand } from '../base-command.js';
import { ExitCode } from '../exit-codes.js';
import { dirArg } from '../flags.js';
import { renderValidationGithub } from '../render/validate-github.js';
import { renderValidationJson } from '../render/validate-json.js';
import { renderValidationSummary, renderValidationText } from '../render/validate-text.js';

export default class Validate extends FfCommand {
  static override summary = 'Check a flags repository: JSON Schema shape, then semantic rules.';
  static override description = [
    'Reports every problem, not just the first, each with file, line and column.',
    'Exits 1 when there is any error (warnings alone exit 0).',
  ].join('\n\n');

  static override examples = [
    { description: 'Validate the repository in ./flags.', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'Validate another folder.', command: '<%= config.bin %> <%= command.id %> path/to/flags' },
    {
      description: 'Machine-readable result for scripts.',
      command: '<%= config.bin %> <%= command.id %> flags --format json',
    },
    {
      description: 'Annotate a pull request from GitHub Actions.',
      command: '<%= config.bin %> <%= command.id %> flags --format github',
    },
  ];

  static override args = { dir: dirArg };

  static override flags = {
    format: Flags.string({
      char: 'f',
      description: 'text: file:line:col lines and a summary; json: one document; github: workflow annotations.',
      options: ['text', 'json', 'github'] as const,
      default: 'text',
    }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Validate);
    const report = await validateRepository(args.dir);

    if (flags.format === 'json') {
      this.print(renderValidationJson(report));
    } else if (flags.format === 'github') {
      this.print(renderValidationGithub(report, process.env.GITHUB_WORKSPACE ?? process.cwd()));
      // Plain lines show in the job log; keep stdout to annotations only.
      this.printError(renderValidationSummary(report, this.errorColors));
    } else {
      this.print(renderValidationText(report, this.colors));
    }
    this.finish(report.ok ? ExitCode.ok : ExitCode.failure);
  }
}
