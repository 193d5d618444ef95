import { Flags } from '@oclif/core';
import { readAudit } from '../actions/audit.js';
import { FfCommand } from '../base-command.js';
import { ExitCode } from '../exit-codes.js';
import { serverFlag, tenantFlag, tokenFlag } from '../flags.js';
import { ApiClient } from '../http/client.js';
import { resolveConnection } from '../http/connection.js';
import { renderAuditText } from '../render/audit-text.js';

export default class Audit extends FfCommand {
  static override summary = "Show a tenant's audit trail, with links to the commits changes came from.";
  static override description =
    'Newest first. Changes applied from Git name their commit; when the repository remote is on GitHub or GitLab the commit is linked.';

  static override examples = [
    { description: 'The last 20 changes of tenant acme.', command: '<%= config.bin %> <%= command.id %> --tenant acme' },
    { description: 'The history of one flag.', command: '<%= config.bin %> <%= command.id %> -t acme --flag new-checkout --limit 50' },
    { description: 'What one commit changed, as JSON.', command: '<%= config.bin %> <%= command.id %> -t acme --commit 1a2b3c4 --json' },
  ];

  static override flags = {
    tenant: tenantFlag,
    flag: Flags.string({ description: 'Only the changes to this flag.', helpValue: '<key>' }),
    commit: Flags.string({ description: 'Only the changes applied from this commit (a sha or a prefix of at least 4).', helpValue: '<sha>' }),
    limit: Flags.integer({ char: 'n', description: 'At most this many entries.', default: 20, min: 1, max: 10_000 }),
    json: Flags.boolean({ description: 'Print the entries as JSON (each with commit_url).', default: false }),
    server: serverFlag,
    token: tokenFlag,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Audit);
    const client = new ApiClient(resolveConnection(flags));
    const rows = await readAudit(client, { tenant: flags.tenant, flag: flags.flag, commit: flags.commit, limit: flags.limit });
    this.print(flags.json ? `${JSON.stringify(rows, null, 2)}\n` : renderAuditText(rows, this.colors));
    this.finish(ExitCode.ok);
  }
}
