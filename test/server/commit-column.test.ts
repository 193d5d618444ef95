// A revision's commit_meta column reads in the wire names, rows written
// before the column took them included.
import { describe, expect, it } from 'vitest';
import { commitOfColumn } from '../../server/features/state/revision-store.js';

describe('commitOfColumn', () => {
  it('reads a commit written in the wire names as it is', () => {
    const commit = { sha: 'abc1234', remote_url: 'https://host.test/r.git', committed_at: '2026-01-02T03:04:05Z', dirty: true };
    expect(commitOfColumn(JSON.stringify(commit))).toEqual(commit);
  });

  it('reads an older row’s remote and time as remote_url and committed_at', () => {
    const old = { sha: 'abc1234', author: 'Ada', remote: 'https://host.test/r.git', time: '2026-01-02T03:04:05.000Z' };
    expect(commitOfColumn(JSON.stringify(old))).toEqual({
      sha: 'abc1234',
      author: 'Ada',
      remote_url: 'https://host.test/r.git',
      committed_at: '2026-01-02T03:04:05.000Z',
    });
  });
});
