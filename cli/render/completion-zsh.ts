import type { CompletionCommand, CompletionSpec } from '../actions/completion.js';

/** A `_describe` entry, 'word:summary', in single quotes (a `:` in the word is escaped, a `'` closed and reopened). */
const described = (word: string, summary: string) => `'${word.replace(/:/g, '\\:')}:${summary.replace(/'/g, `'\\''`)}'`;

const flagPatterns = (c: CompletionCommand, f: CompletionCommand['flags'][number]) =>
  [f.long, ...(f.short !== undefined ? [f.short] : [])].map((name) => `'${c.id} ${name}'`).join('|');

/**
 * A zsh completion function: `source <(ff autocomplete zsh)` after
 * `compinit`, or saved as `_ff` on `fpath`. Commands and topics are offered
 * with their summaries; flags, and the values of flags that name them; files
 * for arguments and other values.
 */
export function renderZshCompletion(spec: CompletionSpec): string {
  const fn = `_${spec.bin.replace(/[^A-Za-z0-9_]/g, '_')}`;
  const topicCase = spec.topics.map((t) => `      ${t.name}) cmd="$cmd:$w"; break ;;`).join('\n');
  const subcommandCase = spec.topics.map(
    (t) => `    ${t.name}) entries=(${t.subcommands.map((s) => described(s.word, s.summary)).join(' ')}); _describe -t commands '${spec.bin} ${t.name} command' entries; return ;;`,
  );
  const valueCases: string[] = [];
  for (const c of spec.commands) {
    for (const f of c.flags.filter((flag) => flag.takesValue)) {
      valueCases.push(
        f.options !== undefined && f.options.length > 0
          ? `        ${flagPatterns(c, f)}) reply=(${f.options.join(' ')}) ;;`
          : `        ${flagPatterns(c, f)}) _files; return ;;`,
      );
    }
  }
  const flagCases = spec.commands.map((c) => `          ${c.id}) reply=(${c.flags.map((f) => f.long).join(' ')}) ;;`);
  return `#compdef ${spec.bin}
# zsh completion for ${spec.bin}: add to ~/.zshrc, after compinit
#   source <(${spec.bin} autocomplete zsh)
${fn}() {
  local cmd="" w cur="\${words[CURRENT]}" prev="\${words[CURRENT-1]}"
  local -a reply entries
  local -i i
  for (( i = 2; i < CURRENT; i++ )); do
    w="\${words[i]}"
    [[ "$w" == -* ]] && continue
    [[ -z "$cmd" ]] && { cmd="$w"; continue; }
    case "$cmd" in
${topicCase}
      *) break ;;
    esac
  done
  case "$cmd" in
    "") entries=(${spec.top.map((t) => described(t.word, t.summary)).join(' ')}); _describe -t commands '${spec.bin} command' entries; return ;;
${subcommandCase.join('\n')}
    *)
      case "$cmd $prev" in
${valueCases.join('\n')}
      esac
      if (( \${#reply} == 0 )); then
        [[ "$cur" == -* ]] || { _files; return; }
        case "$cmd" in
${flagCases.join('\n')}
        esac
      fi
      ;;
  esac
  compadd -a reply
}
compdef ${fn} ${spec.bin}
`;
}
