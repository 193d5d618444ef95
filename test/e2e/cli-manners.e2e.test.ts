// What users of gh, kubectl and terraform expect of a CLI, on the built `ff`:
// "did you mean" for a mistyped command or flag, `ff help …`, help that
// lists the values a flag takes, and shell completion.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runFf } from '../cli/support/run-ff.js';

describe('ff suggests and explains', () => {
  it('a mistyped command: did you mean, exit 1', async () => {
    const r = await runFf(['valdate', 'flags']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown command "valdate": did you mean "validate"?');
  });

  it('a mistyped topic command: did you mean "keys list"', async () => {
    const r = await runFf(['keys', 'lst']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('did you mean "keys list"?');
  });

  it('something nowhere near a command: no guess', async () => {
    const r = await runFf(['zzzzzzzz']);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('did you mean');
  });

  it('a mistyped flag: did you mean --format', async () => {
    const r = await runFf(['validate', 'flags', '--formt', 'json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Nonexistent flag: --formt: did you mean --format?');
  });

  it('ff help COMMAND is ff COMMAND --help; ff help is ff --help', async () => {
    const viaHelp = await runFf(['help', 'validate']);
    const viaFlag = await runFf(['validate', '--help']);
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
    const topic = await runFf(['help', 'keys', 'create']);
    expect(topic.stdout).toBe((await runFf(['keys', 'create', '--help'])).stdout);
    const root = await runFf(['help']);
    expect(root.code).toBe(0);
    expect(root.stdout).toBe((await runFf(['--help'])).stdout);
  });

  it('ff token --help lists the scopes', async () => {
    const r = await runFf(['token', '--help']);
    for (const scope of ['flags:read', 'flags:write', 'evaluate', 'plan', 'apply']) expect(r.stdout).toContain(scope);
  });
});

describe('ff autocomplete', () => {
  it('prints a bash script that completes this ff’s commands, subcommands and flags', async () => {
    const r = await runFf(['autocomplete', 'bash']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const complete = (line: string) =>
      spawnSync('bash', ['--norc', '-c', `eval "$(cat)"; COMP_LINE='${line}'; COMP_POINT=${line.length}; _ff_complete; echo "\${COMPREPLY[*]}"`], {
        input: r.stdout,
        encoding: 'utf8',
      }).stdout.trim();
    expect(complete('ff valid')).toBe('validate');
    expect(complete('ff keys ')).toBe('create list revoke');
    expect(complete('ff lint --fail-on ')).toBe('error warning notice');
  });

  it('prints zsh’s for zsh, picks the shell from $SHELL, and refuses another shell', async () => {
    expect((await runFf(['autocomplete', 'zsh'])).stdout).toMatch(/^#compdef ff\n/);
    expect((await runFf(['autocomplete'], { env: { SHELL: '/usr/bin/zsh' } })).stdout).toMatch(/^#compdef ff\n/);
    expect((await runFf(['autocomplete'], { env: { SHELL: '/bin/bash' } })).stdout).toMatch(/^# bash completion for ff/);
    const fish = await runFf(['autocomplete', 'fish']);
    expect(fish.code).toBe(1);
    expect(fish.stderr).toContain('fish');
  });
});
