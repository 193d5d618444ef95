import { Args, Flags } from '@oclif/core';
import { FfCommand } from '../base-command.js';
import { CliError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { DEFAULT_FLAGS_DIR } from '../flags.js';
import { messages } from '../messages.js';

export default class Promote extends FfCommand {
  static override summary = 'Copy flags’ configuration from one environment to another, in the YAML files.';
  static override description = [
    'Rewrites the files in place: environments.<to> of each flag becomes a copy of environments.<from> (enabled, off variant, targets, rules, default), comments inside the copied block travel with it, and the files come out ff fmt-clean, so the promotion is itself a commit to review.',
    'The repository must validate before and after; nothing is written otherwise. --dry-run prints the diff and writes nothing.',
  ].join('\n\n');

  static override strict = false;

  static override examples = [
    { description: 'Promote two flags from staging to production in ./flags.', command: '<%= config.bin %> <%= command.id %> new-checkout banner --from staging --to production' },
    { description: 'See the change first.', command: '<%= config.bin %> <%= command.id %> new-checkout --from staging --to production --dir flags --dry-run' },
  ];

  static override args = {
    flag: Args.string({ description: 'Key of a flag to promote (several may follow).', required: true }),
  };

  static override flags = {
    from: Flags.string({ description: 'Environment to copy from.', required: true, helpValue: '<env>' }),
    to: Flags.string({ description: 'Environment to copy onto.', required: true, helpValue: '<env>' }),
    dir: Flags.directory({ char: 'd', description: 'Flags repository: one folder per tenant.', default: DEFAULT_FLAGS_DIR, helpValue: '<dir>' }),
    tenant: Flags.string({ char: 't', description: 'Tenant of the flags (needed only when a key exists in several tenants).', helpValue: '<tenant>' }),
    'dry-run': Flags.boolean({ description: 'Print the diff; write nothing.', default: false }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Promote);
    const keys = [...new Set(argv as string[])];
    const [{ promoteFlags }, render] = await Promise.all([import('../actions/promote.js'), import('../render/promote.js')]);
    const outcome = await promoteFlags({ dir: flags.dir, flags: keys, from: flags.from, to: flags.to, dryRun: flags['dry-run'], ...(flags.tenant ? { tenant: flags.tenant } : {}) });
    if (!outcome.ok) {
      const { renderDiagnosticLines } = await import('../render/diagnostic-line.js');
      this.printError(renderDiagnosticLines(outcome.errors, this.errorColors, flags.dir));
      if (outcome.stage === 'before') throw new CliError('REPO_INVALID', messages.repoInvalid(flags.dir, outcome.errors.length));
      throw new CliError('PROMOTE_REFUSED', messages.promoteInvalid(outcome.errors.length));
    }
    if (outcome.dryRun) this.print(render.renderPromoteDiff(outcome, this.colors));
    this.printError(render.renderPromoteSummary(outcome));
    this.finish(ExitCode.ok);
  }
}
