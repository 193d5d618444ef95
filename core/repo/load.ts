// Loading a flags repository: discover (stat only) → size caps → read and
// parse every file (YAML profile + schema) → assemble each tenant → semantic
// checks → diagnostics positioned in the files and sorted.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { CoreError } from '../errors.js';
import { checkSemantics } from '../validation/semantic/index.js';
import type { Diagnostic } from '../validation/types.js';
import { DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_REPO_BYTES } from '../yaml/limits.js';
import { diagnosticAtFileStart } from '../yaml/positions.js';
import { assembleTenant } from './assemble.js';
import type { ParsedTenantFolder } from './assemble.js';
import { discover } from './discover.js';
import type { Discovery, RepoFile, TenantFolder } from './discover.js';
import { displayPathFor } from './display-path.js';
import type { DisplayPath } from './display-path.js';
import { describeLocation, parseRepositorySource, positionIssue } from './parse-source.js';
import type { ParsedSource, RepoFileKind } from './parse-source.js';
import { readSource } from './read-source.js';
import type { LoadOptions, RepoLoadResult, TenantLoadResult, TenantModel } from './types.js';

const READ_BATCH = 32;

interface Limits {
  maxFileBytes: number;
  maxRepoBytes: number;
}

function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  const fa = a.file ?? '';
  const fb = b.file ?? '';
  if (fa !== fb) return fa < fb ? -1 : 1;
  return (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}

async function resolveRoot(dir: string): Promise<string> {
  const root = path.resolve(dir);
  const info = await stat(root).catch(() => undefined);
  if (info === undefined || !info.isDirectory()) {
    throw new CoreError('REPO_NOT_FOUND', `flags repository not found: ${dir} is not a directory`, [dir]);
  }
  return root;
}

/** Reads and parses one file, or explains why it was not. */
async function loadFile(file: RepoFile, kind: RepoFileKind, display: DisplayPath, limits: Limits): Promise<ParsedSource | Diagnostic> {
  const name = display(file.absolute);
  if (file.size > limits.maxFileBytes) {
    return diagnosticAtFileStart('FILE_TOO_LARGE', `file is ${file.size} bytes; at most ${limits.maxFileBytes} are read`, name);
  }
  const read = await readSource(file.absolute, file.size, limits.maxFileBytes);
  if (!read.ok) {
    const code = read.reason === 'too-large' ? 'FILE_TOO_LARGE' : read.reason === 'encoding' ? 'FILE_ENCODING' : 'FILE_UNREADABLE';
    return diagnosticAtFileStart(code, `cannot read file: ${read.detail}`, name);
  }
  return parseRepositorySource(read.text, name, kind, { maxFileBytes: limits.maxFileBytes });
}

async function loadFolder(folder: TenantFolder, display: DisplayPath, limits: Limits, diagnostics: Diagnostic[]): Promise<ParsedTenantFolder> {
  const jobs: Array<{ file: RepoFile; kind: RepoFileKind }> = folder.flagFiles.map((file) => ({ file, kind: 'flags-file' }));
  if (folder.tenantFile) jobs.unshift({ file: folder.tenantFile, kind: 'tenant' });
  const results: Array<ParsedSource | Diagnostic> = [];
  for (let i = 0; i < jobs.length; i += READ_BATCH) {
    const batch = jobs.slice(i, i + READ_BATCH);
    results.push(...(await Promise.all(batch.map((job) => loadFile(job.file, job.kind, display, limits)))));
  }
  const parsed: ParsedTenantFolder = {
    name: folder.name,
    tenantFile: undefined,
    flagFiles: [],
    firstFile: display(jobs.map((j) => j.file.absolute).sort()[0] ?? folder.absolute),
    tenantFileRefused: false,
    anyFileRefused: false,
  };
  results.forEach((result, index) => {
    const isTenantFile = folder.tenantFile !== undefined && index === 0;
    if (!('schemaIssues' in result)) {
      diagnostics.push(result);
      parsed.anyFileRefused = true;
      if (isTenantFile) parsed.tenantFileRefused = true;
      return;
    }
    diagnostics.push(...result.diagnostics);
    if (isTenantFile) parsed.tenantFile = result;
    else parsed.flagFiles.push(result);
  });
  return parsed;
}

/** REPO_TOO_LARGE at the file where the running total passes the cap, if it does. */
function repoSizeProblem(discovery: Discovery, display: DisplayPath, maxRepoBytes: number): Diagnostic | undefined {
  let total = 0;
  const all = discovery.tenants.flatMap((t) => (t.tenantFile ? [t.tenantFile, ...t.flagFiles] : t.flagFiles));
  const everything = all.reduce((sum, f) => sum + f.size, 0);
  for (const file of all) {
    total += file.size;
    if (total > maxRepoBytes) {
      return diagnosticAtFileStart(
        'REPO_TOO_LARGE',
        `the repository holds ${everything} bytes of YAML; at most ${maxRepoBytes} are read (the limit is passed at this file)`,
        display(file.absolute),
      );
    }
  }
  return undefined;
}

async function load(dir: string, options: LoadOptions, only: string | undefined): Promise<RepoLoadResult> {
  const root = await resolveRoot(dir);
  const display = displayPathFor(dir);
  const limits: Limits = {
    maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    maxRepoBytes: options.maxRepoBytes ?? DEFAULT_MAX_REPO_BYTES,
  };
  const discovery = await discover(root, only);
  const diagnostics: Diagnostic[] = [];
  const files = discovery.tenants
    .flatMap((t) => (t.tenantFile ? [t.tenantFile, ...t.flagFiles] : t.flagFiles))
    .map((f) => display(f.absolute))
    .sort();
  for (const stray of discovery.stray) {
    diagnostics.push(diagnosticAtFileStart('FILE_OUTSIDE_TENANT', 'ignored: YAML files belong in a tenant folder', display(stray)));
  }
  for (const skipped of discovery.skipped) {
    diagnostics.push(diagnosticAtFileStart('FILE_SKIPPED', 'skipped: not a regular file (links are not followed)', display(skipped)));
  }
  if (discovery.tenants.length === 0 && only === undefined) {
    diagnostics.push(diagnosticAtFileStart('REPO_EMPTY', 'no tenant folders found (a tenant folder holds tenant.yaml and flag files)', display(root)));
  }
  const tooLarge = repoSizeProblem(discovery, display, limits.maxRepoBytes);
  if (tooLarge !== undefined) {
    return { tenants: [], diagnostics: [...diagnostics, tooLarge].sort(compareDiagnostics), files };
  }

  const tenants = [];
  const models: TenantModel[] = [];
  for (const folder of discovery.tenants) {
    const parsed = await loadFolder(folder, display, limits, diagnostics);
    const assembled = assembleTenant(parsed);
    diagnostics.push(...assembled.diagnostics);
    for (const issue of checkSemantics(assembled.model, describeLocation)) diagnostics.push(positionIssue(issue.origin, issue));
    if (assembled.state) {
      tenants.push(assembled.state);
      if (options.keepModels === true) models.push({ tenant: assembled.state.tenant, lifetimes: assembled.lifetimes, model: assembled.model });
    }
  }
  const byTenant = (a: { tenant: string }, b: { tenant: string }): number => (a.tenant < b.tenant ? -1 : a.tenant > b.tenant ? 1 : 0);
  tenants.sort(byTenant);
  const result: RepoLoadResult = { tenants, diagnostics: diagnostics.sort(compareDiagnostics), files };
  if (options.keepModels === true) result.models = models.sort(byTenant);
  return result;
}

/**
 * Loads every tenant of the flags repository at `dir` (or `dir` alone when it
 * is a tenant folder, holding tenant.yaml). Throws CoreError REPO_NOT_FOUND when
 * `dir` is not a directory; every other problem is a diagnostic.
 */
export function loadRepository(dir: string, options: LoadOptions = {}): Promise<RepoLoadResult> {
  return load(dir, options, undefined);
}

/** Loads one tenant folder `dir/tenant`. Throws CoreError UNKNOWN_TENANT when there is none. */
export async function loadTenant(dir: string, tenant: string, options: LoadOptions = {}): Promise<TenantLoadResult> {
  const result = await load(dir, options, tenant);
  const state = result.tenants.find((t) => t.tenant === tenant);
  if (result.files.length === 0) {
    throw new CoreError('UNKNOWN_TENANT', `no tenant folder "${tenant}" with YAML files in ${dir}`, [tenant]);
  }
  return { tenant: state, diagnostics: result.diagnostics, files: result.files };
}

/** Display paths of every YAML file of the repository's tenants (what `ff fmt` formats). */
export async function listRepositoryFiles(dir: string): Promise<string[]> {
  const root = await resolveRoot(dir);
  const display = displayPathFor(dir);
  const discovery = await discover(root);
  return discovery.tenants
    .flatMap((t) => (t.tenantFile ? [t.tenantFile, ...t.flagFiles] : t.flagFiles))
    .map((f) => display(f.absolute))
    .sort();
}
