// The one place a `matches` pattern becomes a RegExp. The validator should call
// this too, so "valid" there and "compiles" here can never disagree.
import safeRegex from 'safe-regex2';

/** Longest pattern accepted (docs/flags-format.md). */
export const MAX_REGEX_LENGTH = 256;

export type RegexCompilation = { ok: true; regex: RegExp } | { ok: false; problem: string };

/**
 * Compiles a pattern with JavaScript syntax and no flags except `i` for
 * caseInsensitive. No `g`/`y`, so `test` keeps no state and one RegExp is safely
 * shared by every evaluation. Patterns that are too long, invalid, or that
 * safe-regex2 considers prone to catastrophic backtracking are refused.
 */
export function compileRegex(pattern: string, caseInsensitive: boolean): RegexCompilation {
  if (pattern.length > MAX_REGEX_LENGTH) {
    return { ok: false, problem: `regex is ${pattern.length} characters long; at most ${MAX_REGEX_LENGTH} are allowed` };
  }
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, caseInsensitive ? 'i' : '');
  } catch (error) {
    return { ok: false, problem: `invalid regex: ${(error as Error).message}` };
  }
  if (!safeRegex(regex)) return { ok: false, problem: 'regex may backtrack catastrophically (nested or too many repetitions)' };
  return { ok: true, regex };
}
