import { Args, Flags } from '@oclif/core';
import { executeApply, prepareApply, previewApply } from '../actions/apply.js';
import { explainRefusal } from '../actions/refusals.js';
import { FfCommand } from '../base-command.js';
import { CliError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { scopeEnvFlag, serverFlag, tokenFlag } from '../flags.js';
import { ApiClient } from '../http/client.js';
import { resolveConnection } from '../http/connection.js';
import { canPrompt, confirm } from '../io/confirm.js';
import { messages } from '../messages.js';
import { renderApplyResult } from '../render/apply-text.js';
import { renderDiagnosticLines } from '../render/diagnostic-line.js';
import { renderPlanText } from '../render/plan-text.js';

export default class Apply extends FfCommand {
  static override summary = 'Make the server hold what the flags files say, recording the Git commit.';
  static override description = [
    'Validates the files, reads the commit of the Git repository they live in (refusing uncommitted changes inside the flags directory unless --allow-dirty), and sends the whole desired state with the revision the plan was computed against. The server applies it in one transaction, or refuses it: a stale plan (someone changed the tenant since), deletions without --allow-delete, or an invalid state change nothing.',
    'On a terminal it shows the plan and asks for "yes" unless --auto-approve. Without a terminal it never asks: it needs --auto-approve.',
    'With --plan FILE it applies a plan saved by `ff plan --out`, refusing when the files no longer match it.',
  ].join('\n\n');

  static override examples = [
    { description: 'Plan, confirm and apply tenant acme from ./flags.', command: '<%= config.bin %> <%= command.id %> --tenant acme' },
    { description: 'In CI, on the main branch.', command: '<%= config.bin %> <%= command.id %> flags --tenant acme --auto-approve' },
    { description: 'Apply a reviewed, saved plan.', command: '<%= config.bin %> <%= command.id %> --plan acme.plan.json --auto-approve' },
  ];

  static override args = {
    dir: Args.directory({ description: 'Flags repository (default: flags, or the one the saved plan was made from).', required: false }),
  };

  static override flags = {
    tenant: Flags.string({ char: 't', description: 'Tenant key (not needed with --plan).', helpValue: '<tenant>' }),
    plan: Flags.file({ char: 'p', description: 'A plan saved by `ff plan --out`.', helpValue: '<file>' }),
    env: scopeEnvFlag,
    'allow-delete': Flags.boolean({ description: 'Apply deletions of flags, segments and environments.', default: false }),
    'allow-dirty': Flags.boolean({ description: 'Apply uncommitted files (the commit is recorded as dirty).', default: false }),
    'auto-approve': Flags.boolean({ description: 'Do not ask for confirmation.', default: false }),
    server: serverFlag,
    token: tokenFlag,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Apply);
    if (flags.plan !== undefined && flags.env !== undefined && flags.env.length > 0) {
      throw new CliError('USAGE', messages.usage(this.id, '--env cannot be combined with --plan: the saved plan names its environments'));
    }
    // Decided before any work: a script must not get as far as the server and then hang or guess.
    const interactive = !flags['auto-approve'];
    if (interactive && !canPrompt()) throw new CliError('APPROVAL_REQUIRED', messages.approvalRequired);

    const client = new ApiClient(resolveConnection(flags));
    const environments = flags.env && flags.env.length > 0 ? [...new Set(flags.env)] : null;
    const prepared = await prepareApply({
      dir: args.dir,
      planFile: flags.plan,
      tenant: flags.tenant,
      environments,
      allowDirty: flags['allow-dirty'],
      client,
    });
    if (!prepared.ok) {
      const errors = prepared.report.diagnostics.filter((d) => d.severity === 'error');
      this.printError(renderDiagnosticLines(errors, this.errorColors, prepared.dir));
      throw new CliError('REPO_INVALID', messages.planInvalidRepo(prepared.dir, prepared.report.errors));
    }
    const { apply } = prepared;
    if (apply.commit.dirty) this.printError(this.errorColors.yellow(messages.dirtyApplied(apply.commit.dirtyPaths.length)));
    const allowDelete = flags['allow-delete'];
    try {
      if (interactive) {
        const plan = apply.saved?.plan ?? (await previewApply(client, apply, allowDelete));
        this.print(renderPlanText(plan, this.colors));
        if (plan.changes.length === 0) {
          this.print(messages.appliedNothing(apply.tenant, apply.baseRevision));
          this.finish(ExitCode.ok);
          return;
        }
        if (!(await confirm(`\n${messages.applyPrompt(apply.tenant, client.server)}`))) throw new CliError('APPLY_CANCELLED', messages.applyCancelled);
      }
      const response = await executeApply(client, apply, allowDelete);
      this.print(renderApplyResult(apply.tenant, response, this.colors, interactive));
    } catch (error) {
      throw explainRefusal(error, apply.baseRevision, this.errorColors);
    }
    this.finish(ExitCode.ok);
  }
}
