// Shell completion generated from the command table, run in the real shells:
// bash calls the completion function as it would on <Tab> (COMP_LINE and
// COMP_POINT set, COMPREPLY read back); zsh runs the generated function with
// the completion system's builtins (_describe, compadd, _files) replaced by
// stand-ins that print what they were given, since those exist only inside
// an interactive completion. zsh is Debian's package: `make test` installs it
// when missing (scripts/ensure-test-tools.sh).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { completionSpec, type LoadedCommand } from '../../cli/actions/completion.js';
import { COMMANDS } from '../../cli/commands.js';
import { renderBashCompletion } from '../../cli/render/completion-bash.js';
import { renderZshCompletion } from '../../cli/render/completion-zsh.js';

const loaded: LoadedCommand[] = Object.entries(COMMANDS).map(([id, command]) => ({
  id,
  summary: command.summary,
  hidden: command.hidden,
  flags: (command.flags ?? {}) as LoadedCommand['flags'],
}));
const spec = completionSpec('ff', loaded, { keys: 'Administer evaluation API keys.' });
const dir = mkdtempSync(join(tmpdir(), 'ff-completion-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function shell(name: 'bash' | 'zsh', script: string, driver: string): string {
  const file = join(dir, `ff.${name}`);
  writeFileSync(file, script);
  const r = spawnSync(name, name === 'zsh' ? ['-f', '-c', driver.replace('SCRIPT', file)] : ['--norc', '-c', driver.replace('SCRIPT', file)], { encoding: 'utf8' });
  if (r.error) throw new Error(`${name} did not run (${r.error.message}): apt-get install -y ${name} (make test does)`);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

describe('bash', () => {
  const script = renderBashCompletion(spec);
  /** What <Tab> offers after `line`, one word a line. */
  const complete = (line: string) =>
    shell('bash', script, `source SCRIPT; COMP_LINE='${line}'; COMP_POINT=${line.length}; _ff_complete; printf '%s\\n' "\${COMPREPLY[@]}"`)
      .split('\n')
      .filter((w) => w !== '');

  it('is valid bash and registers itself for ff', () => {
    expect(shell('bash', script, 'source SCRIPT; complete -p ff')).toBe('complete -o default -F _ff_complete ff\n');
  });

  it('completes commands and topics, then a topic’s subcommands', () => {
    expect(complete('ff val')).toEqual(['validate']);
    expect(complete('ff ')).toEqual(expect.arrayContaining(['apply', 'autocomplete', 'keys', 'plan', 'validate']));
    expect(complete('ff ')).not.toContain('keys:create');
    expect(complete('ff keys ')).toEqual(['create', 'list', 'revoke']);
    expect(complete('ff keys re')).toEqual(['revoke']);
  });

  it('completes a command’s flags, and the values of flags that list them', () => {
    expect(complete('ff validate --fo')).toEqual(['--format']);
    expect(complete('ff validate --format ')).toEqual(['text', 'json', 'github']);
    expect(complete('ff validate -f j')).toEqual(['json']);
    expect(complete('ff keys create --e')).toEqual(['--env']);
    expect(complete('ff plan --he')).toEqual(['--help']);
  });

  it('completes values with a colon, as bash replaces only what follows it', () => {
    expect(complete('ff token --scope fl')).toEqual(['flags:read', 'flags:write']);
    expect(complete('ff token --scope flags:w')).toEqual(['write']);
  });

  it('leaves free values and arguments to file completion', () => {
    expect(complete('ff eval --tenant ')).toEqual([]);
    expect(complete('ff validate fl')).toEqual([]);
  });
});

describe('zsh', () => {
  const script = renderZshCompletion(spec);
  const stand_ins = [
    'compdef() { print -r -- "compdef $*" }',
    '_describe() { local name=${@[-1]}; print -rl -- "${(@P)name}" }',
    '_files() { print -r -- "<files>" }',
    'compadd() { print -rl -- "${(@P)2}" }',
  ].join('\n');
  const complete = (line: string) => {
    const words = line.split(' ');
    const array = words.map((w) => `'${w}'`).join(' ');
    return shell('zsh', script, `${stand_ins}\nsource SCRIPT >/dev/null; words=(${array}); CURRENT=${words.length}; _ff`)
      .split('\n')
      .filter((w) => w !== '');
  };

  it('is valid zsh and registers itself for ff', () => {
    expect(shell('zsh', script, `${stand_ins}\nsource SCRIPT`)).toBe('compdef _ff ff\n');
    expect(script.startsWith('#compdef ff\n')).toBe(true);
  });

  it('offers commands and subcommands with their summaries', () => {
    const top = complete('ff ');
    expect(top).toContain('validate:Check a flags repository: JSON Schema shape, then semantic rules');
    expect(top).toContain('keys:Administer evaluation API keys');
    expect(complete('ff keys ').map((e) => e.split(':')[0])).toEqual(['create', 'list', 'revoke']);
  });

  it('offers flags, the values of flags that list them, and files otherwise', () => {
    expect(complete('ff validate --')).toEqual(expect.arrayContaining(['--format', '--help']));
    expect(complete('ff validate --format ')).toEqual(['text', 'json', 'github']);
    expect(complete('ff token -s ')).toContain('flags:read');
    expect(complete('ff eval --tenant ')).toEqual(['<files>']);
  });
});

describe('the spec', () => {
  it('has every command of the table, hidden ones and unsafe words left out', () => {
    expect(spec.commands.map((c) => c.id)).toEqual(Object.keys(COMMANDS).sort());
    const odd = completionSpec('ff', [
      { id: 'ok', flags: { 'a;b': { type: 'boolean' }, secret: { type: 'boolean', hidden: true }, mode: { type: 'option', options: ['x', '$(rm -rf /)'] } } },
      { id: 'hidden', hidden: true, flags: {} },
    ]);
    expect(odd.commands).toEqual([
      {
        id: 'ok',
        summary: '',
        flags: [
          { long: '--mode', takesValue: true, options: ['x'] },
          { long: '--help', short: '-h', takesValue: false },
        ],
      },
    ]);
  });
});
