import { Flags } from '@oclif/core';
import { createKey } from '../../actions/keys.js';
import { FfCommand } from '../../base-command.js';
import { ExitCode } from '../../exit-codes.js';
import { envFlag, serverFlag, tenantFlag, tokenFlag } from '../../flags.js';
import { ApiClient } from '../../http/client.js';
import { resolveConnection } from '../../http/connection.js';
import { messages } from '../../messages.js';

export default class KeysCreate extends FfCommand {
  static override summary = 'Create an evaluation API key for one environment; the key is shown once.';
  static override description =
    'Prints the key alone on stdout (so `KEY=$(ff keys create …)` captures it) and what it is on stderr. The server keeps only a hash: the key cannot be shown again.';

  static override examples = [
    { description: 'A key for the checkout service in production.', command: '<%= config.bin %> <%= command.id %> --tenant acme --env production --name checkout-service' },
  ];

  static override flags = {
    tenant: tenantFlag,
    env: envFlag,
    name: Flags.string({ char: 'n', description: 'What the key is for (shown in lists).', required: true, helpValue: '<name>' }),
    json: Flags.boolean({ description: 'Print the created key with its metadata as JSON.', default: false }),
    server: serverFlag,
    token: tokenFlag,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(KeysCreate);
    const created = await createKey(new ApiClient(resolveConnection(flags)), flags.tenant, flags.env, flags.name);
    this.print(flags.json ? `${JSON.stringify(created, null, 2)}\n` : (created.key ?? ''));
    this.printError(messages.keyCreated(created.id, created.environment));
    this.finish(ExitCode.ok);
  }
}
