// The commit `ff plan --out` and `ff apply` record: where the files came from.
// Loaded with import() by those actions, so simple-git is never paid for by
// other commands.
import type { Commit } from '../../core/model/schema-types.js';
import { readCommit } from '../../git/read-commit.js';
import { CliError } from '../errors.js';
import { messages } from '../messages.js';

/** The commit the flags directory `dir` is at; refused outside Git and before the first commit. */
export async function flagsCommit(dir: string): Promise<{ commit: Commit; dirtyPaths: string[] }> {
  const read = await readCommit(dir);
  if (read.found === 'no-repository') throw new CliError('NOT_A_GIT_REPOSITORY', messages.notAGitRepository(dir));
  if (read.found === 'no-commit') throw new CliError('NOT_A_GIT_REPOSITORY', messages.noCommitYet(read.top));
  return { commit: read.commit, dirtyPaths: read.dirtyPaths };
}
