import path from 'node:path';
import type { Diagnostic } from '../../core/validation/types.js';

/** Codes about the repository as a whole: no tenant can be applied with them. */
const REPOSITORY_CODES: ReadonlySet<string> = new Set(['REPO_EMPTY', 'REPO_TOO_LARGE', 'REPO_NOT_FOUND']);

/**
 * The tenant folder a file of the flags directory belongs to (its first path
 * segment below `root`), or undefined for a file at the root or outside it.
 * Diagnostics name files as loadRepository displays them (relative to the
 * working directory, or as given), which resolve against the same cwd.
 */
export function tenantFolderOf(root: string, file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  const relative = path.relative(path.resolve(root), path.resolve(file));
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  const parts = relative.split(path.sep);
  return parts.length >= 2 ? parts[0] : undefined;
}

/** The tenant a diagnostic blocks, or undefined when it blocks the whole directory. */
export function tenantBlockedBy(root: string, d: Diagnostic): string | undefined {
  return REPOSITORY_CODES.has(d.code) ? undefined : tenantFolderOf(root, d.file);
}
