// Where the installed CLI keeps V8's compilation, and under which name: the
// names must separate commands, bundles, Node versions and architectures,
// since a cache is only ever valid for the exact source and V8 that made it.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileCacheDir, compileCacheFile } from '../../cli/launch/compile-cache.js';

describe('compileCacheDir', () => {
  it('is under XDG_CACHE_HOME, else ~/.cache, and absent without either (never a shared temporary folder)', () => {
    expect(compileCacheDir({ XDG_CACHE_HOME: '/x/cache' }, '/home/u')).toBe('/x/cache/ff/compile-cache');
    expect(compileCacheDir({}, '/home/u')).toBe('/home/u/.cache/ff/compile-cache');
    expect(compileCacheDir({ XDG_CACHE_HOME: '' }, '/home/u')).toBe('/home/u/.cache/ff/compile-cache');
    expect(compileCacheDir({}, undefined)).toBeUndefined();
  });

  it('FF_COMPILE_CACHE_DIR names it; FF_COMPILE_CACHE=0 switches it off', () => {
    expect(compileCacheDir({ FF_COMPILE_CACHE_DIR: '/ci/cache' }, '/home/u')).toBe('/ci/cache');
    expect(compileCacheDir({ FF_COMPILE_CACHE: '0', FF_COMPILE_CACHE_DIR: '/ci/cache' }, '/home/u')).toBeUndefined();
  });
});

describe('compileCacheFile', () => {
  const hash = 'a'.repeat(64);
  const name = (argv: string[]) => path.basename(compileCacheFile('/c', hash, argv));

  it('names the bundle, the Node version, the architecture and the command', () => {
    expect(name(['validate', 'flags'])).toBe(`${'a'.repeat(16)}-${process.version}-${process.arch}-validate.v8`);
    expect(compileCacheFile('/c', 'b'.repeat(64), ['plan'])).not.toBe(compileCacheFile('/c', hash, ['plan']));
    expect(name(['plan'])).not.toBe(name(['apply']));
  });

  it('gives options, no arguments and odd words fixed names, never a path from the command line', () => {
    expect(name(['--version'])).toMatch(/-flags\.v8$/);
    expect(name([])).toMatch(/-other\.v8$/);
    expect(name(['../../etc/passwd'])).toMatch(/-other\.v8$/);
    expect(name(['Validate'])).toMatch(/-other\.v8$/);
    expect(path.dirname(compileCacheFile('/c', hash, ['../x']))).toBe('/c');
  });
});
