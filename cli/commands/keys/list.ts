import { Flags } from '@oclif/core';
import { listKeys } from '../../actions/keys.js';
import { FfCommand } from '../../base-command.js';
import { ExitCode } from '../../exit-codes.js';
import { serverFlag, tenantFlag, tokenFlag } from '../../flags.js';
import { ApiClient } from '../../http/client.js';
import { resolveConnection } from '../../http/connection.js';
import { renderKeysText } from '../../render/keys-text.js';

export default class KeysList extends FfCommand {
  static override summary = "List a tenant's evaluation API keys (never their secrets).";

  static override examples = [
    { description: 'Active keys of tenant acme.', command: '<%= config.bin %> <%= command.id %> --tenant acme' },
    { description: 'Every key of one environment, revoked ones too.', command: '<%= config.bin %> <%= command.id %> -t acme --env production --state all' },
  ];

  static override flags = {
    tenant: tenantFlag,
    env: Flags.string({ char: 'e', description: 'Only keys of this environment.', helpValue: '<env>' }),
    state: Flags.string({ description: 'Which keys.', options: ['active', 'revoked', 'all'] as const, default: 'active' }),
    json: Flags.boolean({ description: 'Print the keys as JSON.', default: false }),
    server: serverFlag,
    token: tokenFlag,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(KeysList);
    const keys = await listKeys(new ApiClient(resolveConnection(flags)), {
      tenant: flags.tenant,
      environment: flags.env,
      state: flags.state as 'active' | 'revoked' | 'all',
    });
    this.print(flags.json ? `${JSON.stringify(keys, null, 2)}\n` : renderKeysText(keys));
    this.finish(ExitCode.ok);
  }
}
