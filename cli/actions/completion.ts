/**
 * What shell completion offers, read from the commands oclif loaded (the
 * command table and its flags), so a new command or flag completes the day it
 * is added. Plain data; cli/render/completion-*.ts turn it into a script.
 */

export interface CompletionFlag {
  long: string;
  short?: string;
  /** Takes a value (`--tenant acme`) rather than being a switch. */
  takesValue: boolean;
  /** The values it accepts, when it names them (`--format json|text`). */
  options?: readonly string[];
}

export interface CompletionCommand {
  /** oclif's id: `validate`, `keys:create`. */
  id: string;
  summary: string;
  flags: CompletionFlag[];
}

export interface CompletionSpec {
  bin: string;
  /** Top-level words: commands without a topic, and topics (`keys`). */
  top: { word: string; summary: string }[];
  /** The subcommands of each topic. */
  topics: { name: string; subcommands: { word: string; summary: string }[] }[];
  commands: CompletionCommand[];
}

/** The shape of oclif's loaded command metadata that completion needs. */
export interface LoadedCommand {
  id: string;
  hidden?: boolean;
  summary?: string;
  description?: string;
  flags?: Record<string, { type: 'boolean' | 'option'; char?: string; hidden?: boolean; options?: readonly string[] }>;
}

/** Words the generated scripts put in `case` patterns and word lists unquoted: nothing a shell would read as syntax. */
const SAFE_WORD = /^[A-Za-z0-9_.:@*/+-]+$/;

const firstSentence = (text: string | undefined) => (text ?? '').split('\n')[0]!.replace(/\.$/, '');

export function completionSpec(bin: string, loaded: readonly LoadedCommand[], topicSummaries: Record<string, string> = {}): CompletionSpec {
  const visible = loaded.filter((c) => c.hidden !== true && SAFE_WORD.test(c.id)).sort((a, b) => a.id.localeCompare(b.id));
  const commands: CompletionCommand[] = visible.map((c) => ({
    id: c.id,
    summary: firstSentence(c.summary ?? c.description),
    flags: [
      ...Object.entries(c.flags ?? {})
        .filter(([name, f]) => f.hidden !== true && SAFE_WORD.test(name))
        .map(([name, f]) => ({
          long: `--${name}`,
          ...(f.char !== undefined ? { short: `-${f.char}` } : {}),
          takesValue: f.type === 'option',
          ...(f.options !== undefined ? { options: f.options.filter((o) => SAFE_WORD.test(o)) } : {}),
        })),
      // oclif answers --help (and -h, package.json additionalHelpFlags) on every command.
      ...(Object.hasOwn(c.flags ?? {}, 'help') ? [] : [{ long: '--help', short: '-h', takesValue: false }]),
    ],
  }));
  const topics = new Map<string, { word: string; summary: string }[]>();
  const top: { word: string; summary: string }[] = [];
  for (const c of commands) {
    const [topic, sub] = c.id.split(':');
    if (sub === undefined) top.push({ word: c.id, summary: c.summary });
    else topics.set(topic!, [...(topics.get(topic!) ?? []), { word: sub, summary: c.summary }]);
  }
  for (const name of topics.keys()) top.push({ word: name, summary: firstSentence(topicSummaries[name]) });
  top.sort((a, b) => a.word.localeCompare(b.word));
  return { bin, top, topics: [...topics].map(([name, subcommands]) => ({ name, subcommands })), commands };
}
