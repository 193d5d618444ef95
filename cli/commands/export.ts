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
    'With --usage FILE, also writes the evaluation usage of every exported flag (last evaluated at, evaluations per environment and per UTC day over --usage-days days) to FILE as JSON: beside the YAML, never in it, since counts that change every second have no place in files that are reviewed and diffed. Keep FILE outside the flags repository (or ignore it in Git).',
    "With --drift, OUT is an existing flags repository instead: every resource the server shows as drift (changed outside Git, e.g. a kill switch flipped in the console) is written back into the file that declares it, comments kept, so the change can be committed and reviewed; afterwards `ff plan` shows no drift. A resource only the server has goes into OUT/TENANT/flags.yaml.",
  ].join('\n\n');

  static override examples = [
    { description: 'Start a flags repository from the server.', command: '<%= config.bin %> <%= command.id %> --tenant acme --out flags' },
    { description: 'Also write which flags are still evaluated, for the clean-up that follows.', command: '<%= config.bin %> <%= command.id %> --tenant acme --out flags --usage acme-usage.json' },
    { description: 'Write what was changed on the server outside Git back into the files.', command: '<%= config.bin %> <%= command.id %> --tenant acme --out flags --drift' },
  ];

  static override flags = {
    tenant: tenantFlag,
    out: Flags.directory({ char: 'o', description: 'The flags repository to write into.', required: true, helpValue: '<dir>' }),
    'schema-base': Flags.string({
      description: `Where the files' schema line points (a path relative to each file, or a URL). Default ${DEFAULT_SCHEMA_BASE}: a schemas/ folder beside the repository.`,
      helpValue: '<path|url>',
    }),
    usage: Flags.file({
      description: 'Also write the usage of the exported flags (GET /v1/usage with daily counts) to this JSON file, outside the YAML.',
      helpValue: '<file>',
      exclusive: ['drift'],
    }),
    // No oclif default: with one, dependsOn would refuse every export without --usage.
    'usage-days': Flags.integer({ description: 'With --usage: the window, in UTC days up to today (default 30).', min: 1, max: 365, dependsOn: ['usage'], helpValue: '<days>' }),
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
    const usageDays = flags['usage-days'] ?? 30;
    const usage = flags.usage === undefined ? undefined : { file: flags.usage, days: usageDays };
    const report = await exportTenant(client, flags.tenant, flags.out, flags['schema-base'], usage);
    this.print([...report.files, ...(report.usage ? [report.usage.file] : [])].join('\n'));
    this.printError(messages.exported(report.files.length, report.dir, report.revision));
    if (report.usage) this.printError(messages.exportedUsage(report.usage.file, report.usage.evaluated, report.usage.flags, usageDays));
    this.finish(ExitCode.ok);
  }
}
