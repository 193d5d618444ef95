// The installed CLI's start-up, through a V8 code cache. Every `ff` run is a
// fresh process that parses and compiles the megabyte of bundled JavaScript
// before it does anything; Node 22 can keep that work on disk
// (module.enableCompileCache), Node 20 — which we support — cannot for ES
// modules, but can for a classic script through vm.Script's cachedData. So
// the package's bundle is CommonJS, run here as Node's own CommonJS loader
// would, with the bytecode V8 produced on an earlier run of the same command.
//
// The cache is an optimization and nothing else: any failure to read or write
// it is ignored, V8 rejects a cache made by another V8 or with other flags
// (then it is written again), and the file name carries the bundle's content
// hash, so a cache is never applied to other source. Bytecode is code, so the
// cache lives only in a directory the user owns (never a shared /tmp).
import { lstatSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { constants, Script } from 'node:vm';

/** Where the cache lives for this user, or undefined when it is switched off or there is no private place for it. */
export function compileCacheDir(env: NodeJS.ProcessEnv, home: string | undefined): string | undefined {
  if (env.FF_COMPILE_CACHE === '0') return undefined;
  if (env.FF_COMPILE_CACHE_DIR) return env.FF_COMPILE_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || (home ? path.join(home, '.cache') : undefined);
  return base === undefined ? undefined : path.join(base, 'ff', 'compile-cache');
}

/**
 * The cache file for one command of one bundle on this Node: commands run
 * different code (`ff --version` compiles little, `ff plan` much), so each
 * keeps its own.
 */
export function compileCacheFile(dir: string, bundleHash: string, argv: readonly string[]): string {
  const first = argv[0] ?? '';
  const command = /^[a-z][a-z-]{0,31}$/.test(first) ? first : first.startsWith('-') ? 'flags' : 'other';
  return path.join(dir, `${bundleHash.slice(0, 16)}-${process.version}-${process.arch}-${command}.v8`);
}

/** A directory only this user can have written into: owned by them, not a symbolic link, no write bit for others. */
function isPrivateDir(dir: string): boolean {
  try {
    const stat = lstatSync(dir);
    const mine = typeof process.getuid !== 'function' || stat.uid === process.getuid();
    return stat.isDirectory() && mine && (stat.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

function readCache(file: string | undefined): Buffer | undefined {
  if (file === undefined || !isPrivateDir(path.dirname(file))) return undefined;
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

function writeCache(file: string, data: Buffer): void {
  try {
    const dir = path.dirname(file);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!isPrivateDir(dir)) return;
    // Another `ff` may be writing the same file: each writes its own, then renames (atomic).
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, data, { mode: 0o600 });
    renameSync(temporary, file);
  } catch {
    // No cache this time; the next run compiles again.
  }
}

/**
 * Loads the CommonJS `bundle` as require() would (registered in require.cache,
 * so oclif's later import() of it reuses this instance) from a cached
 * compilation when there is one, and returns its exports. When the cache was
 * missing or refused, it is written at process exit, after the command ran,
 * so it holds the functions that command compiled, not only the top level.
 */
export function loadBundle(bundle: string, cacheFile: string | undefined): Record<string, unknown> {
  const source = readFileSync(bundle, 'utf8');
  const cached = readCache(cacheFile);
  const script = new Script(Module.wrap(source), {
    filename: bundle,
    ...(cached === undefined ? {} : { cachedData: cached }),
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const module = new Module(bundle);
  module.filename = bundle;
  const require = createRequire(bundle);
  require.cache[bundle] = module;
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  wrapper.call(module.exports, module.exports, require, module, bundle, path.dirname(bundle));
  module.loaded = true;
  if (cacheFile !== undefined && (cached === undefined || script.cachedDataRejected === true)) {
    process.once('exit', () => writeCache(cacheFile, script.createCachedData()));
  }
  return module.exports as Record<string, unknown>;
}

/** The bin: the bundle beside `launcher`, through the cache, then the CLI. */
export async function launch(launcher: string, bundleHash: string): Promise<void> {
  const bundle = path.join(path.dirname(launcher), 'bundle.cjs');
  const dir = compileCacheDir(process.env, process.env.HOME);
  const file = dir === undefined ? undefined : compileCacheFile(dir, bundleHash, process.argv.slice(2));
  const { run } = loadBundle(bundle, file) as { run: (packageUrl: string) => Promise<void> };
  await run(pathToFileURL(launcher).href);
}
