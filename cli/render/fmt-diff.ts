// Loaded only by `ff fmt --diff` (import() in the command): the diff library
// stays off every other command's start-up.
import { createTwoFilesPatch } from 'diff';
import type { FmtReport } from '../actions/fmt.js';
import { notACommand, printable } from './printable.js';

/** stdout of `ff fmt --diff`: one unified diff per file that would change (git's a/ b/ labels). */
export function renderFmtDiff(report: FmtReport): string {
  return report.files
    .filter((f) => f.status === 'changed' && f.before !== undefined && f.after !== undefined)
    .map((f) => {
      const name = printable(f.file);
      return createTwoFilesPatch(`a/${name}`, `b/${name}`, f.before!, f.after!, undefined, undefined, { context: 3 })
        .split('\n')
        .filter((line) => !line.startsWith('====='))
        .map(notACommand)
        .join('\n');
    })
    .join('');
}
