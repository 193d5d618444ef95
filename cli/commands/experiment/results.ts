import { Args, Flags } from '@oclif/core';
import type { ExperimentResults } from '../../../core/experiments/results.js';
import { FfCommand } from '../../base-command.js';
import { ExitCode } from '../../exit-codes.js';
import { serverFlag, tenantFlag, tokenFlag } from '../../flags.js';
import { ApiClient } from '../../http/client.js';
import { resolveConnection } from '../../http/connection.js';
import { renderResultsMarkdown, renderResultsText } from '../../render/experiment-results.js';

export default class ExperimentResultsCommand extends FfCommand {
  static override summary = "Show an experiment's results: per variant, effects with 95% and always-valid intervals, p-values, the sample-ratio check.";
  static override description =
    'Reads GET /v1/experiments/KEY/results. Units that saw more than one variant and events before a unit\'s first exposure are dropped and counted; when the allocation changed while it ran, the results are also shown per allocation period.';

  static override examples = [
    { description: 'In a terminal.', command: '<%= config.bin %> <%= command.id %> pricing-q4 --tenant acme' },
    { description: 'As a pull-request comment.', command: '<%= config.bin %> <%= command.id %> pricing-q4 -t acme --format markdown > results.md' },
    { description: 'The results document, for a script.', command: '<%= config.bin %> <%= command.id %> pricing-q4 -t acme --format json' },
  ];

  static override args = {
    key: Args.string({ description: 'The experiment key.', required: true }),
  };

  static override flags = {
    tenant: tenantFlag,
    format: Flags.string({
      char: 'f',
      description: 'text: for a terminal; markdown: a pull-request comment; json: the results document.',
      options: ['text', 'markdown', 'json'] as const,
      default: 'text',
    }),
    server: serverFlag,
    token: tokenFlag,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ExperimentResultsCommand);
    const client = new ApiClient(resolveConnection(flags));
    const results = await client.get<ExperimentResults>(`/v1/experiments/${encodeURIComponent(args.key)}/results`, { tenant: flags.tenant });
    if (flags.format === 'json') this.print(`${JSON.stringify(results, null, 2)}\n`);
    else if (flags.format === 'markdown') this.print(renderResultsMarkdown(results));
    else this.print(renderResultsText(results, this.colors));
    this.finish(ExitCode.ok);
  }
}
