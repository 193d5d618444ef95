import { Args, Flags } from '@oclif/core';
import { diffRevisions } from '../actions/revision-diff.js';
import { FfCommand } from '../base-command.js';
import { CliError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { DEFAULT_FLAGS_DIR, detailedExitcodeFlag, planFormatFlag } from '../flags.js';
import { messages } from '../messages.js';
import { renderDiagnosticLines } from '../render/diagnostic-line.js';
import { renderPlanMarkdown } from '../render/plan-markdown.js';
import { renderPlanText } from '../render/plan-text.js';

const short = (sha: string) => sha.slice(0, 12);

export default class Diff extends FfCommand {
  static override summary = 'Show how the flags changed between two Git revisions, offline.';
  static override description = [
    'Reads the flags directory as it was at each revision (without touching the working tree), validates both like `ff validate`, and diffs every tenant with the same code the server plans with. No server is involved: drift and the server state are `ff plan`\'s job.',
    'json prints a list with one plan document per tenant.',
  ].join('\n\n');

  static override examples = [
    { description: 'What the last commit changed.', command: '<%= config.bin %> <%= command.id %> HEAD~1..HEAD' },
    { description: 'What a branch changes, as a PR comment.', command: '<%= config.bin %> <%= command.id %> origin/main..HEAD flags --format markdown' },
    { description: 'One tenant, as JSON.', command: '<%= config.bin %> <%= command.id %> v1.2..v1.3 flags --tenant acme --format json' },
  ];

  static override args = {
    range: Args.string({ description: 'Two revisions, A..B (an empty side is HEAD).', required: true }),
    dir: Args.directory({ description: 'Flags repository: one folder per tenant.', default: DEFAULT_FLAGS_DIR, required: false }),
  };

  static override flags = {
    tenant: Flags.string({ char: 't', description: 'Only this tenant (default: every tenant).', helpValue: '<tenant>' }),
    format: planFormatFlag,
    'detailed-exitcode': detailedExitcodeFlag,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Diff);
    const outcome = await diffRevisions({ range: args.range, dir: args.dir, tenant: flags.tenant });
    if (!outcome.ok) {
      for (const { report } of outcome.invalid) {
        this.printError(renderDiagnosticLines(report.diagnostics.filter((d) => d.severity === 'error'), this.errorColors, args.dir));
      }
      const first = outcome.invalid[0]!;
      throw new CliError('REPO_INVALID', messages.planInvalidRepo(`${first.side.rev}:${args.dir}`, first.report.errors));
    }
    const heading = {
      title: 'Diff',
      against: `${outcome.from.rev} (${short(outcome.from.sha)}) → ${outcome.to.rev} (${short(outcome.to.sha)})`,
      noChanges: 'No changes between the two revisions.',
    };
    if (flags.format === 'json') this.print(`${JSON.stringify(outcome.plans, null, 2)}\n`);
    else if (flags.format === 'markdown') this.print(outcome.plans.map((p) => renderPlanMarkdown(p, heading)).join('\n'));
    else this.print(outcome.plans.map((p) => renderPlanText(p, this.colors, heading)).join('\n'));
    const changed = outcome.plans.some((p) => p.changes.length > 0);
    this.finish(flags['detailed-exitcode'] && changed ? ExitCode.changes : ExitCode.ok);
  }
}
