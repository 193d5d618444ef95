import { Flags } from '@oclif/core';
import { DEFAULT_SCHEMA_BASE, exportTenant } from '../actions/export.js';
import { FfCommand } from '../base-command.js';
import { ExitCode } from '../exit-codes.js';
import { serverFlag, tenantFlag, tokenFlag } from '../flags.js';
import { ApiClient } from '../http/client.js';
import { resolveConnection } from '../http/connection.js';
import { messages } from '../messages.js';

export default class Export extends FfCommand {
  static override summary = "Write a tenant's state on the server as flags-repository files.";
  static override description = [
    'Writes OUT/TENANT/tenant.yaml, flags.yaml and segments.yaml in the canonical format, each starting with the editor\'s schema line. `ff validate` accepts them, and applying them back changes nothing: the way to move a tenant managed over REST into Git.',
    'Refuses to write into a tenant folder that already holds files.',
  ].join('\n\n');

  static override examples = [
    { description: 'Start a flags repository from the server.', command: '<%= config.bin %> <%= command.id %> --tenant acme --out flags' },
  ];

  static override flags = {
    tenant: tenantFlag,
    out: Flags.directory({ char: 'o', description: 'The flags repository to write into.', required: true, helpValue: '<dir>' }),
    'schema-base': Flags.string({
      description: `Where the files' schema line points (a path relative to each file, or a URL). Default ${DEFAULT_SCHEMA_BASE}: a schemas/ folder beside the repository.`,
      helpValue: '<path|url>',
    }),
    server: serverFlag,
    token: tokenFlag,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Export);
    const client = new ApiClient(resolveConnection(flags));
    const report = await exportTenant(client, flags.tenant, flags.out, flags['schema-base']);
    this.print(report.files.join('\n'));
    this.printError(messages.exported(report.files.length, report.dir, report.revision));
    this.finish(ExitCode.ok);
  }
}
