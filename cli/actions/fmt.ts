import { readFile } from 'node:fs/promises';
import type { Diagnostic } from '../../core/validation/types.js';
import { assertDirectory } from '../io/repo-dir.js';
import { writeFileAtomic } from '../io/write-file-atomic.js';

/** refused: the file has YAML errors, or formatting it would not be safe; it is left as is. */
export type FmtStatus = 'unchanged' | 'changed' | 'refused';

export interface FmtFileResult {
  /** As core names files: relative to the working directory when under it. */
  file: string;
  status: FmtStatus;
  /** Why a file was refused (errors), and anything else the formatter noticed (warnings). */
  diagnostics: Diagnostic[];
  /** With `diff`, for a changed file: its text now and as formatted. */
  before?: string;
  after?: string;
}

/** The outcome of `ff fmt`: plain data, rendered separately. */
export interface FmtReport {
  dir: string;
  /** true: nothing was written, `changed` means "would change". */
  check: boolean;
  files: FmtFileResult[];
}

/**
 * Formats every YAML file of the repository's tenants (in place unless
 * `check`), the same files `ff validate` loads; never touches a refused file.
 */
export async function formatRepository(dir: string, options: { check: boolean; diff?: boolean }): Promise<FmtReport> {
  await assertDirectory(dir);
  const [{ listRepositoryFiles }, { formatSource }] = await Promise.all([
    import('../../core/repo/index.js'),
    import('../../core/fmt/index.js'),
  ]);
  const files: FmtFileResult[] = [];
  // Display paths are relative to the working directory (or under `dir` as
  // given), so they open as they are.
  for (const file of await listRepositoryFiles(dir)) {
    const source = await readFile(file, 'utf8');
    const formatted = formatSource(source, file);
    const refused = formatted.diagnostics.some((d) => d.severity === 'error');
    const status: FmtStatus = refused ? 'refused' : formatted.changed ? 'changed' : 'unchanged';
    if (status === 'changed' && !options.check) await writeFileAtomic(file, formatted.output);
    const texts = status === 'changed' && options.diff === true ? { before: source, after: formatted.output } : {};
    files.push({ file, status, diagnostics: formatted.diagnostics, ...texts });
  }
  return { dir, check: options.check, files };
}

export function fmtSucceeded(report: FmtReport): boolean {
  return report.files.every((f) => f.status === 'unchanged' || (f.status === 'changed' && !report.check));
}
