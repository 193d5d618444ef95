import { Flags } from '@oclif/core';
import { mintDevToken, TOKEN_SCOPES } from '../actions/token.js';
import { FfCommand } from '../base-command.js';
import { ExitCode } from '../exit-codes.js';

export default class Token extends FfCommand {
  static override summary = 'Mint a short-lived development token (HS256) from FF_JWT_SECRET.';
  static override description = [
    'Signs a JWT with the secret the server verifies with (FF_JWT_SECRET, at least 32 bytes; read from the environment only, so it never lands in shell history). Prints the token alone on stdout.',
    'Default: every scope, valid one hour. Use an identity provider (FF_JWKS_URL on the server) for anything but development and CI.',
  ].join('\n\n');

  static override examples = [
    { description: 'A token for tenant acme, every scope, one hour.', command: 'export FF_TOKEN=$(<%= config.bin %> <%= command.id %> --tenant acme)' },
    {
      description: 'A CI token that may only plan and apply.',
      command: '<%= config.bin %> <%= command.id %> -t acme -t globex --scope apply --scope flags:read --ttl 15m --sub ci',
    },
  ];

  static override flags = {
    tenant: Flags.string({ char: 't', description: 'A tenant the token may act on (repeatable; * for all).', required: true, multiple: true, helpValue: '<tenant>' }),
    scope: Flags.string({ char: 's', description: `A scope (repeatable; default: all). One of: ${TOKEN_SCOPES.join(', ')}.`, multiple: true, options: [...TOKEN_SCOPES], helpValue: '<scope>' }),
    ttl: Flags.string({ description: 'Lifetime: 90s, 15m, 1h, 7d (at most 30d).', default: '1h', helpValue: '<duration>' }),
    sub: Flags.string({ description: 'The subject: who the audit trail says acted.', default: 'dev', helpValue: '<name>' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Token);
    const token = await mintDevToken({
      secret: process.env.FF_JWT_SECRET,
      subject: flags.sub,
      tenants: [...new Set(flags.tenant)],
      scopes: flags.scope && flags.scope.length > 0 ? [...new Set(flags.scope)] : [...TOKEN_SCOPES],
      ttl: flags.ttl,
    });
    this.print(token);
    this.finish(ExitCode.ok);
  }
}
