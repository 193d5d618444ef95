import type { CompletionCommand, CompletionSpec } from '../actions/completion.js';

/** The `case` patterns of a command's flag: `"keys:create --env"|"keys:create -e"`. */
const flagPatterns = (c: CompletionCommand, f: CompletionCommand['flags'][number]) =>
  [f.long, ...(f.short !== undefined ? [f.short] : [])].map((name) => `"${c.id} ${name}"`).join('|');

/**
 * A bash completion script: `source <(ff autocomplete bash)`. The words are
 * read from COMP_LINE rather than COMP_WORDS, because bash splits words at
 * `:` (COMP_WORDBREAKS) and values such as `flags:read` contain one; what is
 * offered is then trimmed back to the part bash replaces. Flags that take a
 * value and arguments fall back to file completion (`complete -o default`).
 */
export function renderBashCompletion(spec: CompletionSpec): string {
  const fn = `_${spec.bin.replace(/[^A-Za-z0-9_]/g, '_')}_complete`;
  const topicCase = spec.topics.map((t) => `      ${t.name}) cmd="$cmd:$w"; break ;;`).join('\n');
  const subcommandCase = spec.topics.map((t) => `    ${t.name}) reply="${t.subcommands.map((s) => s.word).join(' ')}" ;;`).join('\n');
  const valueCases: string[] = [];
  for (const c of spec.commands) {
    for (const f of c.flags.filter((flag) => flag.takesValue)) {
      valueCases.push(
        f.options !== undefined && f.options.length > 0
          ? `        ${flagPatterns(c, f)}) reply="${f.options.join(' ')}" ;;`
          : `        ${flagPatterns(c, f)}) return 0 ;;`,
      );
    }
  }
  const flagCases = spec.commands.map((c) => `          ${c.id}) reply="${c.flags.map((f) => f.long).join(' ')}" ;;`);
  return `# bash completion for ${spec.bin}: add to ~/.bashrc
#   source <(${spec.bin} autocomplete bash)
${fn}() {
  local line="\${COMP_LINE:0:COMP_POINT}" cur="" prev="" cmd="" reply="" w
  local -a words
  read -ra words <<< "$line"
  if [[ "$line" =~ [[:space:]]$ ]]; then cur=""; else cur="\${words[\${#words[@]}-1]}"; unset 'words[\${#words[@]}-1]'; fi
  prev="\${words[\${#words[@]}-1]}"
  for w in "\${words[@]:1}"; do
    [[ "$w" == -* ]] && continue
    [[ -z "$cmd" ]] && { cmd="$w"; continue; }
    case "$cmd" in
${topicCase}
      *) break ;;
    esac
  done
  case "$cmd" in
    "") reply="${spec.top.map((t) => t.word).join(' ')}" ;;
${subcommandCase}
    *)
      case "$cmd $prev" in
${valueCases.join('\n')}
      esac
      if [[ -z "$reply" ]]; then
        [[ "$cur" == -* ]] || return 0
        case "$cmd" in
${flagCases.join('\n')}
        esac
      fi
      ;;
  esac
  COMPREPLY=($(compgen -W "$reply" -- "$cur"))
  if [[ "$cur" == *:* && "$COMP_WORDBREAKS" == *:* ]]; then
    local prefix="\${cur%"\${cur##*:}"}" i
    for i in "\${!COMPREPLY[@]}"; do COMPREPLY[i]="\${COMPREPLY[i]#"$prefix"}"; done
  fi
}
complete -o default -F ${fn} ${spec.bin}
`;
}
