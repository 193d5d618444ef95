// Builds the installable `ff` CLI package in cli/ (cli/package.json): the
// compiled commands, core/ and every dependency they load (oclif, yaml, the
// precompiled validators, simple-git, jose, …) bundled by esbuild into one
// CommonJS file, cli/dist/bundle.cjs, plus the bin cli/dist/ff.cjs that loads
// it through a V8 code cache (cli/launch/compile-cache.ts). The package has
// no runtime dependencies, so `npm install` of it fetches nothing and never
// meets the server's (fastify, better-sqlite3, chokidar). ADR 0004.
//
//   node scripts/build-cli.mjs          (make cli; `make cli-pack` also packs it)
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { bundlePackage, readReleasedPackage, reportSize, root } from './lib/bundle-package.mjs';

const outdir = path.join(root, 'cli/dist');
const cliPackage = readReleasedPackage('cli');

// One classic script rather than ES modules split into chunks: Node 20 can
// cache V8's compilation of a script (vm.Script cachedData) but not of an ES
// module, and compiling is most of a short command's start-up. Code that
// only some commands run is still compiled only when they run it: V8 compiles
// functions lazily, and esbuild's CommonJS output initializes what import()
// loads only when it is imported.
const metafile = await bundlePackage(outdir, {
  entryPoints: [path.join(root, 'cli/main.ts')],
  entryNames: 'bundle',
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  // A CommonJS file has require, __filename and __dirname; import.meta is
  // what the ESM sources use for their own location.
  banner: { js: "const __ffModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__ffModuleUrl' },
  // oclif reads tsconfig.json with the TypeScript compiler only to run
  // TypeScript sources (auto-transpile, which main.ts turns off): 3.9 MB
  // never loaded. Its require() sits in a try/catch, so leaving it out is safe.
  external: ['typescript'],
});
const bundleHash = createHash('sha256').update(readFileSync(path.join(outdir, 'bundle.cjs'))).digest('hex');
await build({
  entryPoints: [path.join(root, 'cli/launch/ff.ts')],
  outfile: path.join(outdir, 'ff.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20.19',
  minify: true,
  banner: { js: '#!/usr/bin/env node' },
  define: { FF_BUNDLE_HASH: JSON.stringify(bundleHash) },
  logLevel: 'warning',
});
chmodSync(path.join(outdir, 'ff.cjs'), 0o755);
reportSize('cli', 'dist', metafile, cliPackage);
