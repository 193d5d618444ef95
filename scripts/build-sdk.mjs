// Builds the installable SDK package in sdk/ (sdk/package.json, @ff/sdk): the
// client, core/'s engine and validators, and the SSE parser bundled by esbuild
// into sdk/dist/index.js; the OpenFeature provider into sdk/dist/openfeature.js,
// with @openfeature/server-sdk left to the application (a peer dependency: the
// provider must register with the application's own OpenFeature API). Code
// both entries share, and the flags-folder loader (read only by offline
// bootstraps), land in sdk/dist/chunks/. docs/sdk.md.
//
//   node scripts/build-sdk.mjs          (part of npm run build)
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
reportSize('sdk', 'dist', metafile, manifest);
