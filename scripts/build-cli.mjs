// Builds the installable `ff` CLI package in cli/ (cli/package.json): the
// compiled commands, core/ and every dependency they load (oclif, yaml, the
// precompiled validators, simple-git, jose, …) bundled by esbuild into
// cli/dist/bundle.js, plus the two-line bin cli/dist/ff.js. The package has no
// runtime dependencies, so `npm install` of it fetches nothing and never
// meets the server's (fastify, better-sqlite3, chokidar). ADR 0004.
//
//   node scripts/build-cli.mjs          (make cli; `make cli-pack` also packs it)
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundlePackage, readReleasedPackage, reportSize, root } from './lib/bundle-package.mjs';

const outdir = path.join(root, 'cli/dist');
const cliPackage = readReleasedPackage('cli');

const metafile = await bundlePackage(outdir, {
  entryPoints: [path.join(root, 'cli/main.ts')],
  entryNames: 'bundle',
  // What commands load with import() (the YAML parser, the validators, the
  // engine, simple-git, jose) goes into chunks read only when a command
  // needs them: `ff --version` or `ff --help` compile none of it.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  // oclif reads tsconfig.json with the TypeScript compiler only to run
  // TypeScript sources (auto-transpile, which main.ts turns off): 3.9 MB
  // never loaded. Its require() sits in a try/catch, so leaving it out is safe.
  external: ['typescript'],
});
// The bin turns on V8's on-disk compile cache where Node has it (22.1 and
// later: module.enableCompileCache), before the bundle is imported, so a
// second run reuses the compiled code instead of compiling the bundle and the
// chunks a command loads again; on Node 20 the call is absent and skipped.
const bin = [
  '#!/usr/bin/env node',
  "import module from 'node:module';",
  '',
  'module.enableCompileCache?.();',
  "const { run } = await import('./bundle.js');",
  'await run(import.meta.url);',
  '',
].join('\n');
writeFileSync(path.join(outdir, 'ff.js'), bin, { mode: 0o755 });
reportSize('cli', 'dist', metafile, cliPackage);
