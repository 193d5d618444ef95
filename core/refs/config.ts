import type { RefsConfig } from '../model/index.js';
import { readConfigFile, type ConfigRead } from '../validation/config-file.js';
import { makeIssue, type Issue } from '../validation/issue.js';

/** At the root of the (first) source tree searched. */
export const REFS_CONFIG_FILE = '.ff-refs.yaml';

export function readRefsConfig(text: string, file: string): ConfigRead<RefsConfig> {
  return readConfigFile<RefsConfig>(text, file, 'refs-config', patternIssues);
}

/** Why `pattern` cannot be a refs pattern (it must compile and capture exactly one group: the key), if it cannot. */
export function refsPatternProblem(pattern: string): string | undefined {
  let groups: number;
  try {
    // An empty alternative makes the pattern match "" with every group unset: the length counts the groups.
    groups = new RegExp(`${pattern}|`).exec('')!.length - 1;
    new RegExp(pattern, 'dg');
  } catch (error) {
    return `pattern ${JSON.stringify(pattern)} is not a JavaScript regular expression: ${(error as Error).message}`;
  }
  if (groups !== 1) {
    return `pattern ${JSON.stringify(pattern)} has ${groups} capture groups; it needs exactly one, around the flag key (write other groups as (?:...))`;
  }
  return undefined;
}

function patternIssues(config: RefsConfig): Issue[] {
  const issues: Issue[] = [];
  (config.patterns ?? []).forEach((pattern, i) => {
    const problem = refsPatternProblem(pattern);
    if (problem !== undefined) issues.push(makeIssue('REGEX_INVALID', problem, `/patterns/${i}`));
  });
  return issues;
}
