import { Flags } from '@oclif/core';
import { FfCommand } from '../base-command.js';
import { CliError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { dirArg, serverFlag, tokenFlag } from '../flags.js';
import { messages } from '../messages.js';

export default class Lint extends FfCommand {
  static override summary = 'Report flags that should be looked at: stale, constant, ownerless; unused segments; large target lists.';
  static override description = [
    'validate says whether a repository can be applied; lint says whether it should be. Each finding has a stable code (docs/lint.md), file:line:col and a severity (error, warning or notice) that DIR/.ff-lint.yaml can change or turn off.',
    'A flag is stale when its expires date has passed, or when it is older than its kind\'s expected lifetime; its age is read from the Git history (the first commit adding its key), when DIR is in a Git repository.',
    'Exit status: 0 when no finding is at --fail-on severity or above (default error); 1 when one is, when the repository does not validate, or when the configuration is invalid.',
  ].join('\n\n');

  static override examples = [
    { description: 'Lint ./flags.', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'Fail on warnings too, with annotations in a pull request.', command: '<%= config.bin %> <%= command.id %> flags --format github --fail-on warning' },
    { description: 'What will be stale on the first of next month?', command: '<%= config.bin %> <%= command.id %> flags --at 2027-01-01' },
    { description: 'Also report flags nobody evaluated for 30 days (asks the server).', command: '<%= config.bin %> <%= command.id %> flags --usage --server https://flags.example.com' },
  ];

  static override args = { dir: dirArg };

  static override flags = {
    format: Flags.string({
      char: 'f',
      description: 'text: file:line:col lines and a summary; json: one document; github: workflow annotations.',
      options: ['text', 'json', 'github'] as const,
      default: 'text',
    }),
    'fail-on': Flags.string({
      description: 'Exit 1 when a finding is at this severity or above.',
      options: ['error', 'warning', 'notice'] as const,
      default: 'error',
    }),
    at: Flags.string({
      description: 'Judge staleness at this moment (ISO-8601 date or date-time with an offset) instead of now.',
      helpValue: '<time>',
    }),
    config: Flags.file({
      description: 'Lint configuration to use instead of DIR/.ff-lint.yaml.',
      helpValue: '<file>',
    }),
    history: Flags.boolean({
      description: 'Read flag ages from Git history (--no-history: only expires makes a flag stale).',
      default: true,
      allowNo: true,
    }),
    usage: Flags.boolean({
      description: 'Also ask the server (--server/--token, or FF_SERVER/FF_TOKEN) which flags nobody evaluated for unusedDays days (LINT_NOT_EVALUATED). Without it lint never touches the network.',
      default: false,
    }),
    server: serverFlag,
    token: tokenFlag,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Lint);
    const [{ lintRepositoryAt, lintPassed }, render, { parseAtTime }] = await Promise.all([
      import('../actions/lint.js'),
      import('../render/lint.js'),
      import('../io/at-time.js'),
    ]);
    const now = flags.at === undefined ? Date.now() : parseAtTime(flags.at);
    let usage;
    if (flags.usage) {
      const [{ ApiClient }, { resolveConnection }] = await Promise.all([import('../http/client.js'), import('../http/connection.js')]);
      usage = new ApiClient(resolveConnection(flags));
    }
    const outcome = await lintRepositoryAt({
      dir: args.dir,
      now,
      history: flags.history,
      ...(flags.config ? { configFile: flags.config } : {}),
      ...(usage ? { usage } : {}),
    });
    if (!outcome.ok) {
      const { renderDiagnosticLines } = await import('../render/diagnostic-line.js');
      this.printError(renderDiagnosticLines(outcome.errors, this.errorColors, args.dir));
      throw new CliError('REPO_INVALID', messages.repoInvalidForLint(args.dir, outcome.errors.length));
    }
    const report = outcome.report;
    if (flags.format === 'json') this.print(render.renderLintJson(report));
    else if (flags.format === 'github') {
      this.print(render.renderLintGithub(report, process.env.GITHUB_WORKSPACE ?? process.cwd()));
      this.printError(render.renderLintSummary(report, this.errorColors));
    } else this.print(render.renderLintText(report, this.colors));
    this.finish(lintPassed(report, flags['fail-on'] as 'error' | 'warning' | 'notice') ? ExitCode.ok : ExitCode.failure);
  }
}
