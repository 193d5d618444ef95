import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CodeownersConfig } from '../../core/model/index.js';
import type { CodeownersResult } from '../../core/governance/codeowners.js';
import type { Diagnostic } from '../../core/validation/types.js';
import { CliError } from '../errors.js';
import { assertDirectory } from '../io/repo-dir.js';
import { messages } from '../messages.js';

export type CodeownersMode = 'write' | 'check' | 'stdout';

export interface CodeownersRequest {
  dir: string;
  mode: CodeownersMode;
  /** --file: the CODEOWNERS file; default the one GitHub reads first that exists, else .github/CODEOWNERS. */
  file?: string;
}

export type CodeownersOutcome =
  | { ok: false; errors: Diagnostic[] }
  | {
      ok: true;
      /** The CODEOWNERS file, relative to the working directory when under it. */
      file: string;
      result: CodeownersResult;
      before: string;
      after: string;
      /** Flags files that got a line. */
      owned: number;
    };

async function repositoryRoot(dir: string): Promise<string> {
  const { simpleGit } = await import('simple-git');
  try {
    return (await simpleGit({ baseDir: path.resolve(dir) }).revparse(['--show-toplevel'])).trim();
  } catch {
    return process.cwd();
  }
}

/** Where GitHub looks, in its order; the first that exists wins. */
function defaultCodeownersFile(root: string): string {
  const candidates = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'].map((p) => path.join(root, p));
  return candidates.find((c) => existsSync(c)) ?? candidates[0]!;
}

async function readConfig(dir: string): Promise<CodeownersConfig | undefined> {
  const { CODEOWNERS_CONFIG_FILE, readCodeownersConfig } = await import('../../core/governance/codeowners.js');
  const file = path.join(dir, CODEOWNERS_CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError('IO', messages.ioFailure(file, (error as NodeJS.ErrnoException).code ?? (error as Error).message));
  }
  const read = readCodeownersConfig(text, file);
  if (read.ok) return read.config;
  const [{ renderDiagnosticLines }, { paletteFor }] = await Promise.all([import('../render/diagnostic-line.js'), import('../io/colors.js')]);
  throw new CliError('CODEOWNERS_CONFIG_INVALID', messages.codeownersConfigInvalid(file, read.diagnostics.length), renderDiagnosticLines(read.diagnostics, paletteFor(process.stderr)).trimEnd());
}

function display(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') || path.isAbsolute(relative) ? file : relative.split(path.sep).join('/');
}

/** Builds the CODEOWNERS section from the flag owners and writes, checks or prints it. */
export async function codeowners(request: CodeownersRequest): Promise<CodeownersOutcome> {
  await assertDirectory(request.dir);
  const [{ loadRepository }, { buildCodeowners, replaceSection }, config, root] = await Promise.all([
    import('../../core/repo/index.js'),
    import('../../core/governance/codeowners.js'),
    readConfig(request.dir),
    repositoryRoot(request.dir),
  ]);
  const loaded = await loadRepository(request.dir, { keepModels: true });
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) return { ok: false, errors };
  const relativeDir = path.relative(root, path.resolve(request.dir));
  if (relativeDir.startsWith('..') || path.isAbsolute(relativeDir)) throw new CliError('USAGE', messages.codeownersOutsideRoot(request.dir, root));

  const flags = (loaded.models ?? []).flatMap((m) =>
    m.model.flags.map((f) => ({
      path: path.relative(root, path.resolve(f.origin.file)).split(path.sep).join('/'),
      flag: f.value.key,
      owner: f.value.owner,
    })),
  );
  const result = buildCodeowners(flags, config);
  const file = request.file === undefined ? defaultCodeownersFile(root) : path.resolve(request.file);
  const before = existsSync(file) ? await readFile(file, 'utf8') : '';
  const after = replaceSection(before, result.section);
  const owned = result.section.split('\n').filter((l) => l.startsWith('/')).length;
  if (request.mode === 'write' && after !== before) {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, after);
  }
  return { ok: true, file: display(file), result, before, after, owned };
}
