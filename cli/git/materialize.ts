// `ff diff A..B`: the flags directory as it was at a revision, written to a
// temporary folder so the ordinary loader reads it. Two git processes per
// revision whatever the number of files: `ls-tree` lists the blobs,
// `cat-file --batch` streams them all. Nothing in the repository changes
// (no checkout, no worktree, no index).
import { execFile, spawn } from 'node:child_process';
import { mkdir, realpath, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { CliError } from '../errors.js';
import { messages } from '../messages.js';

const run = promisify(execFile);
const MAX_BUFFER = 256 * 1024 * 1024;

async function git(cwd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run('git', args, { cwd, maxBuffer: MAX_BUFFER, encoding: 'utf8' });
    return stdout;
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? (error as Error).message).trim().split('\n')[0] ?? '';
    throw new CliError('GIT', messages.gitFailed(`git ${args.join(' ')}`, stderr));
  }
}

export interface RepoLocation {
  /** The repository's top-level folder. */
  top: string;
  /** The flags directory relative to it, with forward slashes ('' for the top itself). */
  path: string;
}

/** The deepest folder of `path` that exists, and what is left of `path` below it. */
async function existingAncestor(path: string): Promise<{ real: string; rest: string }> {
  let probe = path;
  for (;;) {
    try {
      return { real: await realpath(probe), rest: relative(probe, path) };
    } catch {
      const parent = dirname(probe);
      if (parent === probe) throw new CliError('NOT_A_GIT_REPOSITORY', messages.notAGitRepository(path));
      probe = parent;
    }
  }
}

/** Where `dir` sits in the Git repository that holds it (it may no longer exist in the working tree). */
export async function locateInRepository(dir: string, cwd = process.cwd()): Promise<RepoLocation> {
  const { real, rest } = await existingAncestor(resolve(cwd, dir));
  let top: string;
  try {
    top = (await run('git', ['rev-parse', '--show-toplevel'], { cwd: real, encoding: 'utf8' })).stdout.trim();
  } catch {
    throw new CliError('NOT_A_GIT_REPOSITORY', messages.notAGitRepository(dir));
  }
  const path = relative(await realpath(top), join(real, rest)).split(sep).join('/');
  if (path.startsWith('..')) throw new CliError('NOT_A_GIT_REPOSITORY', messages.outsideRepository(dir, top));
  return { top, path };
}

/** The full sha of a revision (a branch, tag, sha, HEAD~2...), or a GIT error naming it. */
export async function resolveRevision(top: string, rev: string): Promise<string> {
  if (rev.startsWith('-')) throw new CliError('USAGE', messages.badRevision(rev));
  try {
    return (await run('git', ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], { cwd: top, encoding: 'utf8' })).stdout.trim();
  } catch {
    throw new CliError('GIT', messages.unknownRevision(rev));
  }
}

interface Blob {
  sha: string;
  path: string;
}

async function listBlobs(top: string, sha: string, path: string): Promise<Blob[]> {
  const out = await git(top, ['ls-tree', '-r', '-z', '--full-tree', sha, '--', path === '' ? '.' : path]);
  return out
    .split('\0')
    .filter((entry) => entry !== '')
    .map((entry) => {
      const [meta = '', file = ''] = entry.split('\t');
      const [mode = '', type = '', blob = ''] = meta.split(' ');
      return { mode, type, sha: blob, path: file };
    })
    // Regular files only: symlinks (120000) and submodules are not flags files.
    .filter((e) => e.type === 'blob' && (e.mode === '100644' || e.mode === '100755'))
    .map(({ sha: blob, path: file }) => ({ sha: blob, path: file }));
}

/** Reads every blob through one `git cat-file --batch`: "<sha> blob <size>\n<content>\n" each. */
function readBlobs(top: string, blobs: readonly Blob[]): Promise<Buffer[]> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd: top, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new CliError('GIT', messages.gitFailed('git cat-file --batch', stderr.trim())));
      const all = Buffer.concat(chunks);
      const out: Buffer[] = [];
      let at = 0;
      for (const blob of blobs) {
        const eol = all.indexOf(0x0a, at);
        const header = all.subarray(at, eol).toString('utf8').split(' ');
        if (header[0] !== blob.sha || header[1] !== 'blob') {
          return reject(new CliError('GIT', messages.gitFailed('git cat-file --batch', `unexpected answer for ${blob.path}`)));
        }
        const size = Number(header[2]);
        out.push(all.subarray(eol + 1, eol + 1 + size));
        at = eol + 1 + size + 1;
      }
      resolvePromise(out);
    });
    child.stdin.end(blobs.map((b) => `${b.sha}\n`).join(''));
  });
}

/**
 * Writes the files under `location.path` at revision `sha` into `dest`,
 * keeping their paths relative to the flags directory. Returns how many.
 */
export async function materializeAt(location: RepoLocation, sha: string, dest: string): Promise<number> {
  const blobs = await listBlobs(location.top, sha, location.path);
  const contents = await readBlobs(location.top, blobs);
  await mkdir(dest, { recursive: true });
  const prefix = location.path === '' ? '' : `${location.path}/`;
  for (const [i, blob] of blobs.entries()) {
    const inside = blob.path.startsWith(prefix) ? blob.path.slice(prefix.length) : blob.path;
    const target = join(dest, ...inside.split('/'));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, contents[i]!);
  }
  return blobs.length;
}
