import { Args, Flags } from '@oclif/core';
import { evaluateLocally, type EvalView } from '../actions/eval.js';
import { evaluateRemotely } from '../actions/remote-eval.js';
import { FfCommand } from '../base-command.js';
import { CliError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { dirFlag, envFlag, serverFlag, tenantFlag, tokenFlag } from '../flags.js';
import { ApiClient } from '../http/client.js';
import { resolveConnection } from '../http/connection.js';
import { readContext } from '../io/context-input.js';
import { messages } from '../messages.js';
import { renderDiagnosticLines } from '../render/diagnostic-line.js';
import { renderEvalJson } from '../render/eval-json.js';
import { renderEvalText } from '../render/eval-text.js';

export default class Eval extends FfCommand {
  static override summary = 'Evaluate a flag from the local files with the engine the server runs.';
  static override description = [
    'Validates the repository first: if it has errors they are printed and nothing is evaluated.',
    'Prints value, variant, reason, rule id, bucket and error code. Exits 1 when the answer carries an error code (for example FLAG_NOT_FOUND or TARGETING_KEY_MISSING), 0 otherwise.',
    'With --remote the server evaluates (its preview endpoint, with the state it holds now) and the answer prints exactly as a local one; only --json\'s "revision" differs: the server\'s revision instead of 0 for local files.',
  ].join('\n\n');

  static override examples = [
    {
      description: 'Evaluate for one user.',
      command:
        '<%= config.bin %> <%= command.id %> new-checkout --tenant acme --env production --context \'{"targetingKey":"user-1","plan":"enterprise"}\'',
    },
    {
      description: 'Read the context from a file and show why each rule matched or not.',
      command: '<%= config.bin %> <%= command.id %> new-checkout -t acme -e staging --context @ctx.json --explain',
    },
    {
      description: 'The wire answer as JSON, context from standard input.',
      command: '<%= config.bin %> <%= command.id %> new-checkout -t acme -e production --context - --json < ctx.json',
    },
    {
      description: 'Where a progressive rollout (a schedule) will be on Monday morning.',
      command: '<%= config.bin %> <%= command.id %> new-checkout -t acme -e production -c \'{"targetingKey":"user-1"}\' --at 2026-12-07T09:00:00Z',
    },
    {
      description: 'Ask the server (FF_SERVER, FF_TOKEN) instead of the local files.',
      command: '<%= config.bin %> <%= command.id %> new-checkout -t acme -e production -c \'{"targetingKey":"user-1"}\' --remote --explain',
    },
  ];

  static override args = {
    flag: Args.string({ description: 'Key of the flag to evaluate.', required: true }),
  };

  static override flags = {
    tenant: tenantFlag,
    env: envFlag,
    context: Flags.string({
      char: 'c',
      description: 'Evaluation context: inline JSON, @file for a JSON file, or - for standard input.',
      default: '{}',
      helpValue: '<json|@file|->',
    }),
    dir: dirFlag,
    explain: Flags.boolean({
      char: 'x',
      description: 'Also print the trace: every rule and condition tried, segment membership, rollout bucket.',
      default: false,
    }),
    json: Flags.boolean({
      description: 'Print the answer as JSON (the server\'s wire shape; with --explain, plus "trace").',
      default: false,
    }),
    at: Flags.string({
      description: 'Evaluate as of this moment (ISO-8601 date or date-time with an offset): schedules serve the step in force then. Default: now.',
      helpValue: '<time>',
      exclusive: ['remote'],
    }),
    remote: Flags.boolean({
      description: 'Evaluate on the server (its preview endpoint) instead of from the local files.',
      default: false,
    }),
    server: serverFlag,
    token: tokenFlag,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Eval);
    const context = await readContext(flags.context);
    if (flags.remote) {
      const client = new ApiClient(resolveConnection(flags));
      const request = { tenant: flags.tenant, environment: flags.env, flagKey: args.flag, context, explain: flags.explain };
      this.show(await evaluateRemotely(client, request), flags.json);
      return;
    }
    const at = flags.at === undefined ? Date.now() : (await import('../io/at-time.js')).parseAtTime(flags.at);
    const outcome = await evaluateLocally({
      at,
      dir: flags.dir,
      tenant: flags.tenant,
      environment: flags.env,
      flagKey: args.flag,
      context,
      explain: flags.explain,
    });
    if (!outcome.ok) {
      const errors = outcome.report.diagnostics.filter((d) => d.severity === 'error');
      this.printError(renderDiagnosticLines(errors, this.errorColors, flags.dir));
      throw new CliError('REPO_INVALID', messages.repoInvalid(flags.dir, outcome.report.errors));
    }
    this.show(outcome.view, flags.json);
  }

  /** Shared with `ff eval --remote`: same view, same renderers, same exit status. */
  protected show(view: EvalView, json: boolean): void {
    this.print(json ? renderEvalJson(view) : renderEvalText(view, this.colors));
    if (view.didYouMean !== undefined) this.printError(messages.didYouMeanFlagKey(view.didYouMean));
    this.finish(view.evaluation.error_code === undefined ? ExitCode.ok : ExitCode.failure);
  }
}
