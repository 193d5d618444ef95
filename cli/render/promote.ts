import { createTwoFilesPatch } from 'diff';
import type { PromoteOutcome } from '../actions/promote.js';
import type { Palette } from '../io/colors.js';
import { messages } from '../messages.js';

type Promoted = Extract<PromoteOutcome, { ok: true }>;

/** git's a/ and b/ prefixes for a relative path; an absolute one stays as it is. */
function side(prefix: string, file: string): string {
  return file.startsWith('/') ? file : `${prefix}/${file}`;
}

/** A unified diff of every file the promotion rewrites (what `--dry-run` prints). */
export function renderPromoteDiff(outcome: Promoted, colors: Palette): string {
  return outcome.files
    .map((f) =>
      createTwoFilesPatch(side('a', f.file), side('b', f.file), f.before, f.after, undefined, undefined, { context: 3 })
        .split('\n')
        .filter((line) => !line.startsWith('====='))
        .map((line) => (line.startsWith('+') && !line.startsWith('+++') ? colors.green(line) : line.startsWith('-') && !line.startsWith('---') ? colors.red(line) : line))
        .join('\n'),
    )
    .join('');
}

/** One summary line (stderr). */
export function renderPromoteSummary(outcome: Promoted): string {
  if (outcome.files.length === 0) return messages.promoteNothing(outcome.from, outcome.to);
  if (outcome.dryRun) return messages.promotedDry(outcome.flags, outcome.from, outcome.to);
  return messages.promoted(outcome.flags, outcome.from, outcome.to, outcome.files.length);
}
