import { Args } from '@oclif/core';
import { completionSpec, type LoadedCommand } from '../actions/completion.js';
import { FfCommand } from '../base-command.js';
import { ExitCode } from '../exit-codes.js';
import { renderBashCompletion } from '../render/completion-bash.js';
import { renderZshCompletion } from '../render/completion-zsh.js';

const SHELLS = ['bash', 'zsh'] as const;

export default class Autocomplete extends FfCommand {
  static override summary = 'Print a shell completion script for bash or zsh.';
  static override description = [
    'Completes commands, topics (keys …), flags and the values of flags that list them (--format, --scope, …); files for arguments and other values. The script is generated from the commands of this ff, so it completes what this version has.',
    'The shell defaults to the one in $SHELL.',
  ].join('\n\n');

  static override examples = [
    { description: 'bash: complete in every new shell.', command: `echo 'source <(<%= config.bin %> <%= command.id %> bash)' >> ~/.bashrc` },
    { description: 'zsh: complete in every new shell (after compinit in ~/.zshrc).', command: `echo 'source <(<%= config.bin %> <%= command.id %> zsh)' >> ~/.zshrc` },
  ];

  static override args = {
    shell: Args.string({ description: 'The shell to complete in.', options: [...SHELLS], required: false }),
  };

  async run(): Promise<void> {
    const { args } = await this.parse(Autocomplete);
    const fromEnv = (process.env.SHELL ?? '').split('/').pop();
    const shell = args.shell ?? (fromEnv === 'zsh' ? 'zsh' : 'bash');
    const topics = Object.fromEntries(this.config.topics.map((t) => [t.name, t.description ?? '']));
    const spec = completionSpec(this.config.bin, this.config.commands as unknown as LoadedCommand[], topics);
    this.print(shell === 'zsh' ? renderZshCompletion(spec) : renderBashCompletion(spec));
    this.finish(ExitCode.ok);
  }
}
