import { Args } from '@oclif/core';
import { revokeKey } from '../../actions/keys.js';
import { FfCommand } from '../../base-command.js';
import { ExitCode } from '../../exit-codes.js';
import { serverFlag, tenantFlag, tokenFlag } from '../../flags.js';
import { ApiClient } from '../../http/client.js';
import { resolveConnection } from '../../http/connection.js';
import { messages } from '../../messages.js';

export default class KeysRevoke extends FfCommand {
  static override summary = 'Revoke an evaluation API key, permanently.';
  static override description = 'The next request with the key is refused (401). Revoking a revoked key is a no-op.';

  static override examples = [{ description: 'Revoke a key by its id.', command: '<%= config.bin %> <%= command.id %> 3fKq9ZtXw2Lm --tenant acme' }];

  static override args = { id: Args.string({ description: 'The key id (`ff keys list` shows it).', required: true }) };

  static override flags = { tenant: tenantFlag, server: serverFlag, token: tokenFlag };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(KeysRevoke);
    const revoked = await revokeKey(new ApiClient(resolveConnection(flags)), flags.tenant, args.id);
    this.printError(messages.keyRevoked(revoked.id));
    this.finish(ExitCode.ok);
  }
}
