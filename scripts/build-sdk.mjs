// Builds the installable SDK package in sdk/ (sdk/package.json, @ff/sdk): the
// client, core/'s engine and validators, and the SSE parser bundled by esbuild
// into sdk/dist/index.js; the OpenFeature provider into sdk/dist/openfeature.js,
// with @openfeature/server-sdk left to the application (a peer dependency: the
// provider must register with the application's own OpenFeature API). Code
// both entries share, and the flags-folder loader (read only by offline
// bootstraps), land in sdk/dist/chunks/. docs/sdk.md.
//
//   node scripts/build-sdk.mjs          (part of npm run build)
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { bundlePackage, readReleasedPackage, reportSize, root } from './lib/bundle-package.mjs';

const manifest = readReleasedPackage('sdk');
const metafile = await bundlePackage(path.join(root, 'sdk/dist'), {
  entryPoints: { index: path.join(root, 'sdk/src/index.ts'), openfeature: path.join(root, 'sdk/src/openfeature.ts') },
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  external: ['@openfeature/server-sdk', '@openfeature/core'],
});
// What the package promises: nothing of the server or the CLI at run time.
const forbidden = /node_modules\/(fastify|@fastify|better-sqlite3|@oclif|oclif|ajv\/dist\/(?!runtime\/)|pino|chokidar|simple-git)/;
const leaked = Object.keys(metafile.inputs).filter((input) => forbidden.test(input) || /^(server|cli)\//.test(input));
if (leaked.length > 0) throw new Error(`sdk/dist must not bundle server or CLI code, but it holds: ${leaked.slice(0, 5).join(', ')}`);

// Type declarations (tsconfig.sdk-types.json): tsc emits one per file of the
// program, the server's and the validators' too; the package keeps only those
// its two entry points reach, so no declaration names a server module.
const typesDir = path.join(root, 'sdk/dist/types');
execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.sdk-types.json')], { stdio: 'inherit' });
const reachable = new Set();
const visit = (file) => {
  if (reachable.has(file)) return;
  reachable.add(file);
  for (const [, spec] of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)) visit(path.resolve(path.dirname(file), spec.replace(/\.js$/, '.d.ts')));
};
for (const entry of ['index', 'openfeature']) visit(path.join(typesDir, 'sdk/src', `${entry}.d.ts`));
const prune = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      prune(full);
      if (readdirSync(full).length === 0) rmSync(full, { recursive: true });
    } else if (!reachable.has(full)) rmSync(full);
  }
};
prune(typesDir);
const leakedTypes = [...reachable].filter((f) => /^(server|cli)[/\\]/.test(path.relative(typesDir, f)));
if (leakedTypes.length > 0) throw new Error(`sdk type declarations reach server or CLI code: ${leakedTypes.join(', ')}`);
reportSize('sdk', 'dist', metafile, manifest);
