import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { RefMatch } from '../../core/refs/index.js';
import type { RefsConfig } from '../../core/model/index.js';
import { CliError } from '../errors.js';
import { messages } from '../messages.js';

export interface RefsRequest {
  roots: string[];
  /** Flag keys to look for; when empty, every flag of `dir` (optionally one tenant). */
  flags: string[];
  dir: string;
  tenant?: string;
  /** --config; default the first root's .ff-refs.yaml. */
  configFile?: string;
}

export interface Reference extends RefMatch {
  /** Relative to the working directory when under it. */
  file: string;
}

export interface RefsReport {
  roots: string[];
  flags: string[];
  /** Files searched (text files after the ignore rules). */
  files: number;
  references: Reference[];
  /** Flags of `flags` with no reference. */
  unreferenced: string[];
  /** The most threads that searched one root (1, or one per core for a large tree). */
  threads: number;
  elapsedMs: number;
}

async function readConfig(request: RefsRequest): Promise<RefsConfig | undefined> {
  const { REFS_CONFIG_FILE, readRefsConfig } = await import('../../core/refs/index.js');
  const file = request.configFile ?? path.join(request.roots[0] ?? '.', REFS_CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (request.configFile === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError('IO', messages.ioFailure(file, (error as NodeJS.ErrnoException).code ?? (error as Error).message));
  }
  const read = readRefsConfig(text, file);
  if (read.ok) return read.config;
  const [{ renderDiagnosticLines }, { paletteFor }] = await Promise.all([import('../render/diagnostic-line.js'), import('../io/colors.js')]);
  throw new CliError('REFS_CONFIG_INVALID', messages.refsConfigInvalid(file, read.diagnostics.length), renderDiagnosticLines(read.diagnostics, paletteFor(process.stderr)).trimEnd());
}

async function flagKeys(request: RefsRequest): Promise<string[]> {
  if (request.flags.length > 0) return [...new Set(request.flags)];
  const { loadRepository } = await import('../../core/repo/index.js');
  const { assertDirectory } = await import('../io/repo-dir.js');
  await assertDirectory(request.dir);
  const loaded = await loadRepository(request.dir);
  const tenants = request.tenant === undefined ? loaded.tenants : loaded.tenants.filter((t) => t.tenant === request.tenant);
  if (request.tenant !== undefined && tenants.length === 0) {
    throw new CliError('UNKNOWN_TENANT', messages.unknownTenant(request.tenant, loaded.tenants.map((t) => t.tenant).sort()));
  }
  return [...new Set(tenants.flatMap((t) => t.flags.map((f) => f.key)))].sort();
}

/** Finds every reference to the flags under the roots. */
export async function findReferences(request: RefsRequest): Promise<RefsReport> {
  const started = performance.now();
  for (const root of request.roots) {
    const info = await stat(root).catch(() => undefined);
    if (info === undefined || !info.isDirectory()) throw new CliError('REPO_NOT_FOUND', messages.refsNotADirectory(root));
  }
  const [{ listSourceFiles }, { searchFiles }, config, keys] = await Promise.all([
    import('../io/source-files.js'),
    import('./refs-search.js'),
    readConfig(request),
    flagKeys(request),
  ]);
  const references: Reference[] = [];
  let searched = 0;
  let threads = 1;
  for (const root of request.roots) {
    const { files } = await listSourceFiles(root, config?.exclude ?? []);
    const result = await searchFiles(root, files, keys, config);
    searched += result.searched;
    threads = Math.max(threads, result.threads);
    references.push(...result.references);
  }
  references.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
  const seen = new Set(references.map((r) => r.flag));
  return {
    roots: request.roots,
    flags: keys,
    files: searched,
    references,
    unreferenced: keys.filter((k) => !seen.has(k)),
    threads,
    elapsedMs: Math.round(performance.now() - started),
  };
}
