// The files `ff refs` searches under a root, as Git would see them: tracked
// and untracked-but-not-ignored files (`git ls-files`, which applies every
// .gitignore, .git/info/exclude and the global excludes) when the root is in a
// work tree; otherwise a walk that applies the .gitignore files it meets (the
// `ignore` package, the implementation ESLint uses). Extra exclusions, in
// .gitignore syntax, apply on top in both cases.
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import ignore, { type Ignore } from 'ignore';

const run = promisify(execFile);

/** Paths relative to `root` (POSIX separators), in no particular order. */
export async function listSourceFiles(root: string, exclude: readonly string[]): Promise<{ files: string[]; git: boolean }> {
  const extra = ignore().add([...exclude]);
  const fromGit = await gitFiles(root);
  if (fromGit !== undefined) return { files: exclude.length === 0 ? fromGit : fromGit.filter((f) => !extra.ignores(f)), git: true };
  return { files: await walk(root, extra, exclude.length > 0), git: false };
}

async function gitFiles(root: string): Promise<string[] | undefined> {
  try {
    const { stdout } = await run('git', ['-C', root, 'ls-files', '-z', '--cached', '--others', '--exclude-standard', '--deduplicate'], {
      maxBuffer: 1024 * 1024 * 1024,
      encoding: 'utf8',
    });
    return stdout.split('\0').filter((f) => f !== '');
  } catch {
    return undefined;
  }
}

async function walk(root: string, extra: Ignore, hasExtra: boolean): Promise<string[]> {
  const files: string[] = [];
  // Each level's .gitignore rules, with the folder they are relative to.
  const visit = async (relative: string, rules: Array<{ base: string; ig: Ignore }>): Promise<void> => {
    const absolute = path.join(root, relative);
    const entries = await readdir(absolute, { withFileTypes: true });
    let here = rules;
    if (entries.some((e) => e.name === '.gitignore' && e.isFile())) {
      const text = await readFile(path.join(absolute, '.gitignore'), 'utf8').catch(() => '');
      here = [...rules, { base: relative, ig: ignore().add(text) }];
    }
    const ignored = (rel: string, dir: boolean): boolean =>
      (hasExtra && extra.ignores(dir ? `${rel}/` : rel)) ||
      here.some(({ base, ig }) => {
        const inner = base === '' ? rel : rel.slice(base.length + 1);
        return ig.ignores(dir ? `${inner}/` : inner);
      });
    const subdirs: string[] = [];
    for (const entry of entries) {
      if (entry.name === '.git') continue;
      const rel = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!ignored(rel, true)) subdirs.push(rel);
      } else if (entry.isFile() && !ignored(rel, false)) files.push(rel);
    }
    for (const dir of subdirs) await visit(dir, here);
  };
  await visit('', []);
  return files;
}

/** Largest file searched: bigger ones are generated or data, not code. */
export const MAX_SOURCE_BYTES = 1024 * 1024;

/**
 * A file's bytes, or undefined for a binary (a NUL in its first 8 KiB),
 * oversized or vanished file. Synchronous on purpose: for many small files one
 * blocking read is about three times faster than the promise or callback
 * versions, which hop through the thread pool for open, stat, read and close.
 */
export function readSourceBytes(file: string): Uint8Array | undefined {
  let buffer: Buffer;
  try {
    buffer = readFileSync(file);
  } catch {
    return undefined;
  }
  if (buffer.length > MAX_SOURCE_BYTES) return undefined;
  // Searched as bytes: decoding every file to a string would cost more than the search.
  const head = buffer.subarray(0, 8192);
  if (head.includes(0)) return undefined;
  return buffer;
}
