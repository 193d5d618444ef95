// How a file is named in diagnostics: relative to the working directory when
// it is under it (what a terminal can open, e.g. flags/acme/checkout.yaml),
// else under the directory as the caller gave it. Always POSIX separators.
import path from 'node:path';

function toPosix(p: string): string {
  return path.sep === '/' ? p : p.split(path.sep).join('/');
}

function isOutside(relative: string): boolean {
  return relative === '..' || relative.startsWith('..' + path.sep) || path.isAbsolute(relative);
}

export type DisplayPath = (absolute: string) => string;

export function displayPathFor(givenDir: string, cwd: string = process.cwd()): DisplayPath {
  const absoluteDir = path.resolve(cwd, givenDir);
  return (absolute) => {
    const fromCwd = path.relative(cwd, absolute);
    if (!isOutside(fromCwd)) return toPosix(fromCwd === '' ? '.' : fromCwd);
    return toPosix(path.join(givenDir, path.relative(absoluteDir, absolute)));
  };
}
