import { Flags } from '@oclif/core';
import { DEFAULT_SCHEMA_BASE, exportTenant } from '../actions/export.js';
import { exportDrift } from '../actions/export-drift.js';
import { FfCommand } from '../base-command.js';
import { CliError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { serverFlag, tenantFlag, tokenFlag } from '../flags.js';
import { ApiClient } from '../http/client.js';
import { resolveConnection } from '../http/connection.js';
import { messages } from '../messages.js';
import { renderDiagnosticLines } from '../render/diagnostic-line.js';

export default class Export extends FfCommand {
  static override summary = "Write a tenant's state on the server as flags-repository files.";
  static override description = [
    'Writes OUT/TENANT/tenant.yaml, flags.yaml and segments.yaml in the canonical format, each starting with the editor\'s schema line. `ff validate` accepts them, and applying them back changes nothing: the way to move a tenant managed over REST into Git.',
    'Refuses to write into a tenant folder that already holds files.',
    "With --drift, OUT is an existing flags repository instead: every resource the server shows as drift (changed outside Git, e.g. a kill switch flipped in the console) is written back into the file that declares it, comments kept, so the change can be committed and reviewed; afterwards `ff plan` shows no drift. A resource only the server has goes into OUT/TENANT/flags.yaml.",
  ].join('\n\n');

  static override examples = [
    { description: 'Start a flags repository from the server.', command: '<%= config.bin %> <%= command.id %> --tenant acme --out flags' },
    { description: 'Write what was changed on the server outside Git back into the files.', command: '<%= config.bin %> <%= command.id %> --tenant acme --out flags --drift' },
  ];

  static override flags = {
    tenant: tenantFlag,
    out: Flags.directory({ char: 'o', description: 'The flags repository to write into.', required: true, helpValue: '<dir>' }),
    'schema-base': Flags.string({
      description: `Where the files' schema line points (a path relative to each file, or a URL). Default ${DEFAULT_SCHEMA_BASE}: a schemas/ folder beside the repository.`,
      helpValue: '<path|url>',
    }),
    drift: Flags.boolean({ description: 'Write drifted resources back into the existing files of OUT (a flags repository) instead of exporting the whole tenant.', default: false }),
    server: serverFlag,
    token: tokenFlag,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Export);
    const client = new ApiClient(resolveConnection(flags));
    if (flags.drift) {
      const outcome = await exportDrift(client, flags.tenant, flags.out);
      if (!outcome.ok) {
        this.printError(renderDiagnosticLines(outcome.report.diagnostics.filter((d) => d.severity === 'error'), this.errorColors, flags.out));
        throw new CliError('REPO_INVALID', messages.planInvalidRepo(flags.out, outcome.report.errors));
      }
      const { report } = outcome;
      if (report.resources.length > 0) this.print([...report.resources.map((r) => `drift  ${r}`), ...report.files].join('\n'));
      this.printError(messages.driftExported(report.resources.length, report.files.length, report.revision));
      this.finish(ExitCode.ok);
      return;
    }
    const report = await exportTenant(client, flags.tenant, flags.out, flags['schema-base']);
    this.print(report.files.join('\n'));
    this.printError(messages.exported(report.files.length, report.dir, report.revision));
    this.finish(ExitCode.ok);
  }
}
