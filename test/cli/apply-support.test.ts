// Small pieces of ff apply: the prompt, the revision range, refusals explained.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { explainRefusal } from '../../cli/actions/refusals.js';
import { CliError } from '../../cli/errors.js';
import { parseRevisionRange } from '../../cli/git/revision-range.js';
import { ServerRefusal } from '../../cli/http/server-refusal.js';
import { plain } from '../../cli/io/colors.js';
import { canPrompt, confirm } from '../../cli/io/confirm.js';

function answer(text: string | null): Promise<boolean> {
  const input = new PassThrough();
  const output = new PassThrough();
  const result = confirm('Apply? ', input, output);
  if (text === null) input.end();
  else input.write(text);
  return result;
}

describe('confirm', () => {
  it('approves only on "yes"', async () => {
    expect(await answer('yes\n')).toBe(true);
    expect(await answer('  YES \n')).toBe(true);
    expect(await answer('y\n')).toBe(false);
    expect(await answer('\n')).toBe(false);
    expect(await answer(null)).toBe(false);
  });

  it('asks only when stdin and stdout are both terminals', () => {
    expect(canPrompt({ isTTY: true }, { isTTY: true })).toBe(true);
    expect(canPrompt({ isTTY: true }, {})).toBe(false);
    expect(canPrompt({}, { isTTY: true })).toBe(false);
  });
});

describe('parseRevisionRange', () => {
  it('reads A..B, with HEAD for an empty side', () => {
    expect(parseRevisionRange('main..feature')).toEqual({ from: 'main', to: 'feature' });
    expect(parseRevisionRange('v1..')).toEqual({ from: 'v1', to: 'HEAD' });
    expect(parseRevisionRange('..abc123')).toEqual({ from: 'HEAD', to: 'abc123' });
  });

  it.each(['main', '..', 'a...b'])('refuses %s', (spec) => {
    expect(() => parseRevisionRange(spec)).toThrow(CliError);
  });
});

describe('explainRefusal', () => {
  const refusal = (code: string, details: unknown[]) => new ServerRefusal('POST /v1/apply', 409, { code, message: 'm', details });

  it('says a stale plan must be re-planned, listing what landed since', () => {
    const error = explainRefusal(
      refusal('STALE_PLAN', [{ current_revision: 43, since: [{ revision: 42, ts: '2026-11-21T10:00:00Z', actor: 'alice', source: 'api', commit_sha: null, changed: ['flag:checkout'] }, { revision: 43, actor: 'ci', source: 'git', commit_sha: 'abcdef1234567890', changed: [] }] }]),
      41,
      plain,
    ) as CliError;
    expect(error.code).toBe('STALE_PLAN');
    expect(error.message).toBe('the plan is stale: it was computed against revision 41, the server is at revision 43; re-run ff plan');
    expect(error.detail).toBe(
      'Changed on the server since the plan:\n  revision 42  2026-11-21T10:00:00Z  alice (api): flag:checkout\n  revision 43  ci (git) commit abcdef123456\n',
    );
  });

  it('points deletions at --allow-delete and lists them', () => {
    const error = explainRefusal(refusal('DELETES_NOT_ALLOWED', [{ resource: 'flag', key: 'old' }, 'segment:gone']), 1, plain) as CliError;
    expect(error.code).toBe('DELETES_NOT_ALLOWED');
    expect(error.message).toContain('deletes 2 resources; re-run with --allow-delete');
    expect(error.detail).toBe('Deletions in the plan:\n  - flag old\n  - segment:gone\n');
  });

  it('prints why the state is invalid', () => {
    const error = explainRefusal(
      new ServerRefusal('POST /v1/apply', 422, { code: 'INVALID_STATE', message: 'm', details: [{ code: 'SEGMENT_UNKNOWN', message: 'unknown segment "vips"', path: '/flags/0/environments/prod/rules/0/conditions/0/segment' }] }),
      1,
      plain,
    ) as CliError;
    expect(error.code).toBe('INVALID_STATE');
    expect(error.detail).toBe('  /flags/0/environments/prod/rules/0/conditions/0/segment  SEGMENT_UNKNOWN  unknown segment "vips"\n');
  });

  it('leaves anything else as it was', () => {
    const other = refusal('ALREADY_EXISTS', []);
    expect(explainRefusal(other, 1)).toBe(other);
    const plainError = new Error('x');
    expect(explainRefusal(plainError, 1)).toBe(plainError);
  });
});
