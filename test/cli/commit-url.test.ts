import { describe, expect, it } from 'vitest';
import { commitUrl, parseRemote } from '../../cli/git/commit-url.js';

const SHA = '4e94a299df32a0ca6af15ac3ceab46e733154f0c';

describe('commitUrl', () => {
  const cases: [string, string | undefined][] = [
    ['git@github.com:org/flags.git', `https://github.com/org/flags/commit/${SHA}`],
    ['https://github.com/org/flags.git', `https://github.com/org/flags/commit/${SHA}`],
    ['https://github.com/org/flags', `https://github.com/org/flags/commit/${SHA}`],
    ['ssh://git@github.com/org/flags.git', `https://github.com/org/flags/commit/${SHA}`],
    ['ssh://git@github.example.com:2222/org/flags.git', `https://github.example.com/org/flags/commit/${SHA}`],
    ['git@gitlab.com:group/sub/flags.git', `https://gitlab.com/group/sub/flags/-/commit/${SHA}`],
    ['https://gitlab.internal.example/platform/flags.git', `https://gitlab.internal.example/platform/flags/-/commit/${SHA}`],
    ['https://git.example.com/org/flags.git', undefined],
    ['git@bitbucket.org:org/flags.git', undefined],
    ['/srv/git/flags.git', undefined],
    ['file:///srv/git/flags.git', undefined],
    ['not a url', undefined],
  ];
  it.each(cases)('%s → %s', (remote, url) => {
    expect(commitUrl(remote, SHA)).toBe(url);
  });

  it('links nothing without a remote or with something that is not a sha', () => {
    expect(commitUrl(undefined, SHA)).toBeUndefined();
    expect(commitUrl('git@github.com:org/flags.git', 'main')).toBeUndefined();
  });

  it('parses scp-style and URL remotes alike', () => {
    expect(parseRemote('git@github.com:org/flags.git')).toEqual({ host: 'github.com', path: 'org/flags' });
    expect(parseRemote('https://GitHub.com/org/flags/')).toEqual({ host: 'github.com', path: 'org/flags' });
    expect(parseRemote('github.com:flags')).toBeUndefined();
  });
});
