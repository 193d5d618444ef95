import { Args, Flags } from '@oclif/core';
import { FfCommand } from '../base-command.js';
import { ExitCode } from '../exit-codes.js';
import { dirFlag } from '../flags.js';

export default class Refs extends FfCommand {
  static override summary = 'Find references to flag keys in a codebase: file:line and the line.';
  static override description = [
    'Searches every text file under the given roots (default: the current folder) the way Git sees them: tracked and untracked files, minus everything .gitignore ignores (also outside a Git work tree, where the .gitignore files met are applied). Binary files and files over 1 MiB are skipped.',
    'The keys are the flags of --dir (default ./flags), of one --tenant, or the --flag keys given. A key matches as a whole token (new-checkout is not found in new-checkout-v2). The root\'s .ff-refs.yaml adds spellings (camelCase, UPPER_SNAKE_CASE, …), literal names per flag and exclusions (docs/refs.md).',
    'stdout: one reference per line, or --json; stderr: a summary, and the flags with no reference. Exit 0 unless something failed.',
  ].join('\n\n');

  static override strict = false;

  static override examples = [
    { description: 'References to the flags of ./flags in ./src and ./web.', command: '<%= config.bin %> <%= command.id %> src web' },
    { description: 'One flag, machine-readable.', command: '<%= config.bin %> <%= command.id %> . --flag new-checkout --json' },
  ];

  static override args = {
    src: Args.directory({ description: 'Source roots to search (several may be given).', required: false }),
  };

  static override flags = {
    dir: dirFlag,
    tenant: Flags.string({ char: 't', description: 'Only the flags of this tenant.', helpValue: '<tenant>' }),
    flag: Flags.string({ description: 'Look for this key instead of the repository’s flags (repeatable).', multiple: true, helpValue: '<key>' }),
    config: Flags.file({ description: 'Refs configuration instead of the first root’s .ff-refs.yaml.', helpValue: '<file>' }),
    json: Flags.boolean({ description: 'One JSON document: every reference, counts per flag, unreferenced flags.', default: false }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Refs);
    const roots = (argv as string[]).length > 0 ? (argv as string[]) : ['.'];
    const [{ findReferences }, render] = await Promise.all([import('../actions/refs.js'), import('../render/refs.js')]);
    const report = await findReferences({
      roots,
      flags: flags.flag ?? [],
      dir: flags.dir,
      ...(flags.tenant ? { tenant: flags.tenant } : {}),
      ...(flags.config ? { configFile: flags.config } : {}),
    });
    this.print(flags.json ? render.renderRefsJson(report) : render.renderRefsText(report, this.colors));
    this.printError(render.renderRefsSummary(report));
    this.finish(ExitCode.ok);
  }
}
