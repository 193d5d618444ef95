import { writeFile } from 'node:fs/promises';
import { Flags } from '@oclif/core';
import { planRemote } from '../actions/remote-plan.js';
import { savePlan } from '../actions/save-plan.js';
import { FfCommand } from '../base-command.js';
import { CliError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { detailedExitcodeFlag, dirArg, planFormatFlag, refsFlag, refsRoots, scopeEnvFlag, serverFlag, tenantFlag, tokenFlag } from '../flags.js';
import { ApiClient } from '../http/client.js';
import { resolveConnection } from '../http/connection.js';
import { messages } from '../messages.js';
import { serializeSavedPlan } from '../plan-file/saved-plan.js';
import { renderDiagnosticLines } from '../render/diagnostic-line.js';
import { renderPlanJson } from '../render/plan-json.js';
import { renderPlanMarkdown } from '../render/plan-markdown.js';
import { renderPlanText } from '../render/plan-text.js';

export default class Plan extends FfCommand {
  static override summary = 'Show what applying the flags files would change on the server.';
  static override description = [
    'Validates the files with the same checks as `ff validate` (invalid files: no plan, exit 1), then asks the server for a dry run against its current revision and prints the answer: creates, updates field by field, deletes, drift (changes made on the server outside Git), and risky changes.',
    'A flag deletion is marked when the flag is still in use: evaluated within the server\'s FF_DELETE_IN_USE_DAYS (counts and last seen), a prerequisite of a flag that stays, or — with --refs SRC — referenced in the code (the top references). `ff apply` refuses such deletions without --allow-delete-in-use.',
    'With --out the plan is saved with everything its apply needs — the desired state, the Git commit it was made from, the base revision and the plan\'s hash — for `ff apply FILE`, which applies exactly this plan or refuses it as stale (exit 3).',
  ].join('\n\n');

  static override examples = [
    { description: 'Plan tenant acme from ./flags.', command: '<%= config.bin %> <%= command.id %> --tenant acme' },
    {
      description: 'A pull-request comment for one environment.',
      command: '<%= config.bin %> <%= command.id %> flags --tenant acme --env production --format markdown',
    },
    {
      description: 'Save the plan; exit 2 when there are changes (CI).',
      command: '<%= config.bin %> <%= command.id %> flags -t acme --out acme.plan.json --detailed-exitcode',
    },
    {
      description: 'Mark deletions of flags the web app still references.',
      command: '<%= config.bin %> <%= command.id %> flags -t acme --refs ../web/src',
    },
  ];

  static override args = { dir: dirArg };

  static override flags = {
    tenant: tenantFlag,
    env: scopeEnvFlag,
    format: planFormatFlag,
    out: Flags.file({ char: 'o', description: 'Also save the plan to this file, for `ff apply FILE` (the directory must be in a Git repository).', helpValue: '<file>' }),
    'detailed-exitcode': detailedExitcodeFlag,
    refs: refsFlag,
    server: serverFlag,
    token: tokenFlag,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Plan);
    const connection = resolveConnection(flags);
    const environments = flags.env && flags.env.length > 0 ? [...new Set(flags.env)] : null;
    const outcome = await planRemote({ dir: args.dir, tenant: flags.tenant, environments, client: new ApiClient(connection) });
    if (!outcome.ok) {
      const errors = outcome.report.diagnostics.filter((d) => d.severity === 'error');
      this.printError(renderDiagnosticLines(errors, this.errorColors, args.dir));
      throw new CliError('REPO_INVALID', messages.planInvalidRepo(args.dir, outcome.report.errors));
    }
    let plan = outcome.plan;
    if (flags.out !== undefined) {
      const saved = await savePlan({ outcome, environments, server: connection.server, dir: args.dir });
      plan = saved.plan;
      await writeFile(flags.out, serializeSavedPlan(saved));
    }
    const refs = refsRoots(flags.refs);
    if (refs.length > 0) {
      const { markReferencedDeletions } = await import('../actions/delete-refs.js');
      plan = await markReferencedDeletions(plan, refs);
    }
    const now = Date.now();
    if (flags.format === 'json') this.print(renderPlanJson(plan));
    else if (flags.format === 'markdown') this.print(renderPlanMarkdown(plan, { now }));
    else this.print(renderPlanText(plan, this.colors, { now }));
    if (flags.out !== undefined) this.printError(messages.planSaved(flags.out));
    const changed = plan.changes.length > 0;
    this.finish(flags['detailed-exitcode'] && changed ? ExitCode.changes : ExitCode.ok);
  }
}
