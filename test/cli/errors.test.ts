import { Errors } from '@oclif/core';
import { describe, expect, it } from 'vitest';
import { CLI_ERROR_EXIT, CliError } from '../../cli/errors.js';
import { ExitCode } from '../../cli/exit-codes.js';
import { plain } from '../../cli/io/colors.js';
import { renderCliError } from '../../cli/render/error.js';
import { toCliError } from '../../cli/to-cli-error.js';
import { CoreError } from '../../core/errors.js';

describe('CliError', () => {
  it('takes its exit status from the one table', () => {
    for (const [code, exit] of Object.entries(CLI_ERROR_EXIT)) {
      expect(new CliError(code as keyof typeof CLI_ERROR_EXIT, 'm').exitCode).toBe(exit);
    }
    expect(new Set(Object.values(ExitCode)).size).toBe(Object.keys(ExitCode).length);
  });

  it('renders as exactly one line naming the code, after any detail', () => {
    expect(renderCliError(new CliError('UNKNOWN_TENANT', 'unknown tenant "x"'), plain)).toBe(
      'Error UNKNOWN_TENANT: unknown tenant "x"\n',
    );
    expect(renderCliError(new CliError('REPO_INVALID', 'bad', 'a.yaml:1:1 ...\n'), plain)).toBe(
      'a.yaml:1:1 ...\nError REPO_INVALID: bad\n',
    );
  });
});

describe('toCliError', () => {
  it('keeps CLI errors as they are', () => {
    const error = new CliError('USAGE', 'x');
    expect(toCliError(error, 'eval')).toBe(error);
  });

  it('maps core errors by code, and unknown core codes to INTERNAL', () => {
    expect(toCliError(new CoreError('UNKNOWN_TENANT', 'no such tenant'), 'eval')).toMatchObject({
      code: 'UNKNOWN_TENANT',
      message: 'no such tenant',
    });
    expect(toCliError(new CoreError('FILE_TOO_LARGE', 'big'), 'validate').code).toBe('REPO_TOO_LARGE');
    expect(toCliError(new CoreError('INVALID_STATE', 'oops'), 'validate').code).toBe('INTERNAL');
  });

  it('turns oclif parse errors into one USAGE line pointing at --help', () => {
    const parseError = Object.assign(
      new Errors.CLIError('The following error occurred:\n  \u001b[2mMissing required flag tenant\u001b[22m\nSee more help with --help'),
      { parse: {} },
    );
    const error = toCliError(parseError, 'eval');
    expect(error.code).toBe('USAGE');
    expect(error.message).toBe('Missing required flag tenant (see `ff eval --help`)');
  });

  it('names the file of a file-system error', () => {
    const fsError = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES', path: '/x/y.yaml' });
    expect(toCliError(fsError, 'fmt')).toMatchObject({ code: 'IO', message: 'cannot access /x/y.yaml: EACCES' });
  });

  it('reports anything else as an INTERNAL error on one line', () => {
    const error = toCliError(new TypeError('x is undefined\n    at foo'), 'validate');
    expect(error.code).toBe('INTERNAL');
    expect(error.message.split('\n')).toHaveLength(1);
    expect(toCliError('a string', undefined).code).toBe('INTERNAL');
  });
});
