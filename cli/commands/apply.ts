import { Args, Flags } from '@oclif/core';
import { executeApply, planFor, prepareApply } from '../actions/apply.js';
import { explainRefusal } from '../actions/refusals.js';
import { FfCommand } from '../base-command.js';
import { CliError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { refsFlag, refsRoots, scopeEnvFlag, serverFlag, tokenFlag } from '../flags.js';
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
    'Validates the files, reads the commit of the Git repository they live in (refusing uncommitted changes inside the flags directory unless --allow-dirty), asks the server for the plan, and applies exactly that plan: the server refuses (STALE_PLAN, exit 3) if it moved since, so nothing unreviewed is applied. Deletions without --allow-delete and an invalid state are refused too; a refusal changes nothing.',
    'A flag deletion still in use — evaluated within the server\'s FF_DELETE_IN_USE_DAYS, a prerequisite of a flag that stays, or referenced in the code under --refs — is refused, with the evidence, unless --allow-delete-in-use is given as well; the server refuses the first two itself too.',
    'On a terminal it shows the plan and asks for "yes" unless --auto-approve. Without a terminal it never asks: it needs --auto-approve.',
    'Given a plan saved by `ff plan --out` (as the argument or with --plan), it applies that reviewed plan: from any directory, with the desired state and commit the file carries. Given the plan and a flags directory, the files must still match the plan, and the directory\'s own commit is recorded (for example the merge commit on main).',
  ].join('\n\n');

  static override examples = [
    { description: 'Plan, confirm and apply tenant acme from ./flags.', command: '<%= config.bin %> <%= command.id %> --tenant acme' },
    { description: 'In CI, on the main branch.', command: '<%= config.bin %> <%= command.id %> flags --tenant acme --auto-approve' },
    { description: 'Apply a reviewed, saved plan (from anywhere).', command: '<%= config.bin %> <%= command.id %> acme.plan.json --auto-approve' },
    {
      description: 'Apply a reviewed plan from the merged checkout, recording its commit.',
      command: '<%= config.bin %> <%= command.id %> flags --plan acme.plan.json --auto-approve',
    },
  ];

  static override args = {
    target: Args.string({
      description: 'A flags repository (default: flags), or a plan saved by `ff plan --out`.',
      required: false,
    }),
  };

  static override flags = {
    tenant: Flags.string({ char: 't', description: 'Tenant key (not needed with a saved plan).', helpValue: '<tenant>' }),
    plan: Flags.file({ char: 'p', description: 'A plan saved by `ff plan --out`; the argument, if given, is then the flags directory it must match.', helpValue: '<file>' }),
    env: scopeEnvFlag,
    'allow-delete': Flags.boolean({ description: 'Apply deletions of flags, segments and environments.', default: false }),
    'allow-delete-in-use': Flags.boolean({
      description: 'With --allow-delete: also delete flags still in use (evaluated recently, a prerequisite of a kept flag, or referenced in the --refs code).',
      default: false,
    }),
    refs: refsFlag,
    'allow-dirty': Flags.boolean({ description: 'Apply uncommitted files (the commit is recorded as dirty).', default: false }),
    'auto-approve': Flags.boolean({ description: 'Do not ask for confirmation.', default: false }),
    server: serverFlag,
    token: tokenFlag,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Apply);
    // Decided before any work: a script must not get as far as the server and then hang or guess.
    const interactive = !flags['auto-approve'];
    if (flags['allow-delete-in-use'] && !flags['allow-delete']) {
      throw new CliError('USAGE', messages.usage(this.id, '--allow-delete-in-use needs --allow-delete: it widens what --allow-delete allows'));
    }
    if (interactive && !canPrompt()) throw new CliError('APPROVAL_REQUIRED', messages.approvalRequired);

    const client = new ApiClient(resolveConnection(flags));
    const environments = flags.env && flags.env.length > 0 ? [...new Set(flags.env)] : null;
    const prepared = await prepareApply({
      target: args.target,
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
    if (apply.saved && environments !== null) {
      throw new CliError('USAGE', messages.usage(this.id, '--env cannot be combined with a saved plan: the plan names its environments'));
    }
    if (apply.commit.dirty) this.printError(this.errorColors.yellow(messages.dirtyApplied(apply.dirtyPaths.length)));
    const allowDelete = flags['allow-delete'];
    const allowInUse = flags['allow-delete-in-use'];
    const refs = refsRoots(flags.refs);
    let baseRevision = apply.saved?.base_revision ?? 0;
    try {
      let plan = await planFor(client, apply);
      baseRevision = plan.base_revision;
      if (refs.length > 0 || (allowDelete && !allowInUse)) {
        const { markReferencedDeletions, refuseDeletionsInUse } = await import('../actions/delete-refs.js');
        if (refs.length > 0) plan = await markReferencedDeletions(plan, refs);
        // Before asking or sending: the code references are known here only.
        if (allowDelete && !allowInUse) refuseDeletionsInUse(plan, this.errorColors);
      }
      if (plan.changes.length === 0) {
        // Nothing to write; a whole-tenant apply still tells the server the files equal what it holds,
        // so it forgets drift that was undone by hand or written back into the files (`ff export --drift`).
        if (apply.environments === null) await executeApply(client, apply, plan, { allowDelete, allowInUse });
        if (interactive) this.print(renderPlanText(plan, this.colors));
        this.print(messages.appliedNothing(apply.tenant, plan.base_revision));
        this.finish(ExitCode.ok);
        return;
      }
      if (interactive) {
        this.print(renderPlanText(plan, this.colors));
        if (!(await confirm(`\n${messages.applyPrompt(apply.tenant, client.server)}`))) throw new CliError('APPLY_CANCELLED', messages.applyCancelled);
      }
      const response = await executeApply(client, apply, plan, { allowDelete, allowInUse });
      this.print(renderApplyResult(apply.tenant, response, this.colors, interactive));
    } catch (error) {
      throw explainRefusal(error, baseRevision, this.errorColors);
    }
    this.finish(ExitCode.ok);
  }
}
