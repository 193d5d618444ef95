// Builds the installable `ff` CLI package in cli/ (cli/package.json): the
// compiled commands, core/ and every dependency they load (oclif, yaml, the
// precompiled validators, simple-git, jose, …) bundled by esbuild into
// cli/dist/bundle.js, plus the two-line bin cli/dist/ff.js. The package has no
// runtime dependencies, so `npm install` of it fetches nothing and never
// meets the server's (fastify, better-sqlite3, chokidar). ADR 0004.
//
//   node scripts/build-cli.mjs          (make cli; `make cli-pack` also packs it)
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'cli/dist');

const rootVersion = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;
const cliPackage = JSON.parse(readFileSync(path.join(root, 'cli/package.json'), 'utf8'));
if (cliPackage.version !== rootVersion) {
  throw new Error(`cli/package.json is at ${cliPackage.version}, the root package at ${rootVersion}: both are released together (ADR 0004)`);
}

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
const result = await build({
  entryPoints: [path.join(root, 'cli/main.ts')],
  outdir,
  entryNames: 'bundle',
  // What commands load with import() (the YAML parser, the validators, the
  // engine, simple-git, jose) goes into chunks read only when a command
  // needs them: `ff --version` or `ff --help` compile none of it.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  // CommonJS dependencies require() Node's built-ins; an ES module has no
  // require of its own, so the bundle gets one.
  banner: { js: "import { createRequire as __ffCreateRequire } from 'node:module';\nconst require = __ffCreateRequire(import.meta.url);" },
  // oclif reads tsconfig.json with the TypeScript compiler only to run
  // TypeScript sources (auto-transpile, which main.ts turns off): 3.9 MB
  // never loaded. Its require() sits in a try/catch, so leaving it out is safe.
  external: ['typescript'],
  // No keepNames: it wraps every function in a defineProperty call at load,
  // which was the largest single cost of starting the CLI; nothing here
  // depends on minified names (commands are found by the table's keys).
  minify: true,
  legalComments: 'external',
  metafile: true,
  logLevel: 'warning',
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
writeFileSync(path.join(outdir, 'meta.json'), JSON.stringify(result.metafile));

const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
process.stdout.write(`cli/dist: ${(bytes / 1024).toFixed(0)} KiB bundled (cli/package.json ${cliPackage.name}@${cliPackage.version})\n`);
