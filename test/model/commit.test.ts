// The one credential stripper (every remote URL the CLI sends or the server
// records goes through it) and the server's normaliser of a recorded commit.
import { describe, expect, it } from 'vitest';
import { MAX_COMMIT_MESSAGE, recordedCommit, withoutCredentials } from '../../core/model/commit.js';

describe('withoutCredentials', () => {
  it.each([
    ['user and password', 'https://x-access-token:ghs_secret@github.com/org/flags.git', 'https://github.com/org/flags.git'],
    ['a token as the user', 'https://ghp_secret@github.com/org/flags.git', 'https://github.com/org/flags.git'],
    ['a password holding an unescaped @', 'https://bot:p@ss@gitlab.com/group/sub/flags.git', 'https://gitlab.com/group/sub/flags.git'],
    ['a percent-encoded password', 'https://bot:p%40ss%2F@gitlab.com/o/r.git', 'https://gitlab.com/o/r.git'],
    ['credentials before a port', 'https://u:p@git.example.test:8443/o/r.git', 'https://git.example.test:8443/o/r.git'],
    ['an ssh:// user and password', 'ssh://git:secret@github.com/org/flags.git', 'ssh://github.com/org/flags.git'],
    ['a token in the query string', 'https://git.example.test/o/r.git?private_token=glpat-secret', 'https://git.example.test/o/r.git'],
    ['a query string without a path', 'https://git.example.test?access_token=secret', 'https://git.example.test'],
    ['a token in the fragment', 'https://git.example.test/o/r.git#token=secret', 'https://git.example.test/o/r.git'],
    ['credentials and a query', 'https://u:p@host.test/r.git?x=1', 'https://host.test/r.git'],
    ['an upper-case scheme', 'HTTPS://u:p@host.test/r.git', 'HTTPS://host.test/r.git'],
  ])('removes %s', (_case, remote, expected) => {
    expect(withoutCredentials(remote)).toBe(expected);
    expect(withoutCredentials(remote)).not.toMatch(/secret|ghs_|ghp_|p@ss|:p@/);
  });

  it.each([
    ['a clean https URL', 'https://github.com/org/flags.git'],
    ['a host without a trailing slash (not re-serialised)', 'https://GitHub.com'],
    ['an scp-like remote: the user names the SSH account', 'git@github.com:org/flags.git'],
    ['an ssh:// URL without a user', 'ssh://github.com:2222/org/flags.git'],
    ['a local path', '/srv/git/flags.git'],
    ['a file:// URL', 'file:///srv/git/flags.git'],
    ['a path holding an @ after the authority', 'https://host.test/org/flags@v2.git'],
  ])('leaves %s as it is', (_case, remote) => {
    expect(withoutCredentials(remote)).toBe(remote);
  });
});

describe('recordedCommit', () => {
  it('strips the remote and caps the message, leaving every other field as sent', () => {
    const sent = {
      sha: 'abc1234',
      author: 'Ada',
      email: 'ada@example.test',
      message: 'x'.repeat(MAX_COMMIT_MESSAGE + 10),
      branch: 'main',
      remote_url: 'https://u:p@gitlab.com/o/r.git',
      committed_at: '2026-01-02T03:04:05+01:00',
      dirty: false,
    };
    expect(recordedCommit(sent)).toEqual({ ...sent, message: 'x'.repeat(MAX_COMMIT_MESSAGE), remote_url: 'https://gitlab.com/o/r.git' });
    expect(sent.remote_url).toBe('https://u:p@gitlab.com/o/r.git');
    expect(recordedCommit({ sha: 'abc1234' })).toEqual({ sha: 'abc1234' });
  });
});
