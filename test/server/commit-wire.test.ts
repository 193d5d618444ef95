import { describe, expect, it } from 'vitest';
import { commitMetaOf, withoutCredentials } from '../../server/features/state/commit-wire.js';

describe('commit metadata', () => {
  it('never stores credentials embedded in a remote URL', () => {
    expect(withoutCredentials('https://x-access-token:ghs_secret@github.com/org/flags.git')).toBe('https://github.com/org/flags.git');
    expect(withoutCredentials('https://github.com/org/flags.git')).toBe('https://github.com/org/flags.git');
    expect(withoutCredentials('git@github.com:org/flags.git')).toBe('git@github.com:org/flags.git');
    expect(commitMetaOf({ sha: 'abc1234', remote_url: 'https://u:p@gitlab.com/o/r.git' }).remote).toBe('https://gitlab.com/o/r.git');
  });
});
