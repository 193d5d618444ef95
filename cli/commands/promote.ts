import { statSync } from 'node:fs';
import { Args, Flags } from '@oclif/core';
import { FfCommand } from '../base-command.js';
import { CliError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { DEFAULT_FLAGS_DIR } from '../flags.js';
import { messages } from '../messages.js';

export default class Promote extends FfCommand {
  static override summary = 'Copy flags’ configuration from one environment to another, in the YAML files.';
  static override description = [
    'Rewrites the files in place: environments.<to> of each flag becomes a copy of environments.<from> (enabled, off variant, targets, rules, default), comments inside the copied block travel with it, and the files come out ff fmt-clean, so the promotion is itself a commit to review.',
    'The repository must validate before and after; nothing is written otherwise. --dry-run prints the diff and writes nothing.',
    `The repository is --dir, or else the last of two or more arguments when it names an existing directory (\`ff promote new-checkout --from staging --to production flags\`), else ./${DEFAULT_FLAGS_DIR}. With --dir every argument is a flag key: the way to promote a flag whose key is also the name of a directory here.`,
  ].join('\n\n');

  static override strict = false;

  static override examples = [
    { description: 'Promote two flags from staging to production in ./flags.', command: '<%= config.bin %> <%= command.id %> new-checkout banner --from staging --to production' },
    { description: 'The repository as the last argument.', command: '<%= config.bin %> <%= command.id %> new-checkout --from staging --to production flags' },
    { description: 'See the change first.', command: '<%= config.bin %> <%= command.id %> new-checkout --from staging --to production --dir flags --dry-run' },
  ];

  static override args = {
    flag: Args.string({ description: 'Key of a flag to promote (several may follow; the last may be the repository, see above).', required: true }),
  };

  static override flags = {
    from: Flags.string({ description: 'Environment to copy from.', required: true, helpValue: '<env>' }),
    to: Flags.string({ description: 'Environment to copy onto.', required: true, helpValue: '<env>' }),
    // No oclif default: an explicit --dir is what turns the trailing-directory reading off.
    dir: Flags.directory({ char: 'd', description: `Flags repository: one folder per tenant (default: the last argument when it is a directory, else ./${DEFAULT_FLAGS_DIR}).`, helpValue: '<dir>' }),
    tenant: Flags.string({ char: 't', description: 'Tenant of the flags (needed only when a key exists in several tenants).', helpValue: '<tenant>' }),
    'dry-run': Flags.boolean({ description: 'Print the diff; write nothing.', default: false }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Promote);
    const { dir, keys } = splitDirArgument(argv as string[], flags.dir);
    const [{ promoteFlags }, render] = await Promise.all([import('../actions/promote.js'), import('../render/promote.js')]);
    const outcome = await promoteFlags({ dir, flags: keys, from: flags.from, to: flags.to, dryRun: flags['dry-run'], ...(flags.tenant ? { tenant: flags.tenant } : {}) });
    if (!outcome.ok) {
      const { renderDiagnosticLines } = await import('../render/diagnostic-line.js');
      this.printError(renderDiagnosticLines(outcome.errors, this.errorColors, dir));
      if (outcome.stage === 'before') throw new CliError('REPO_INVALID', messages.repoInvalid(dir, outcome.errors.length));
      throw new CliError('PROMOTE_REFUSED', messages.promoteInvalid(outcome.errors.length));
    }
    if (outcome.dryRun) this.print(render.renderPromoteDiff(outcome, this.colors));
    this.printError(render.renderPromoteSummary(outcome));
    this.finish(ExitCode.ok);
  }
}

/**
 * `ff promote FLAG… [DIR]`: without --dir, the last of two or more arguments
 * is the repository when it names an existing directory. One argument is
 * always a flag (FLAG is required), and --dir makes every argument a flag, so
 * a key that is also a directory's name can still be promoted.
 */
function splitDirArgument(args: readonly string[], dirFlag: string | undefined): { dir: string; keys: string[] } {
  if (dirFlag !== undefined) return { dir: dirFlag, keys: [...new Set(args)] };
  const last = args.at(-1);
  if (args.length >= 2 && last !== undefined && isDirectory(last)) return { dir: last, keys: [...new Set(args.slice(0, -1))] };
  return { dir: DEFAULT_FLAGS_DIR, keys: [...new Set(args)] };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
