// The console (console/ → dist/console): one esbuild pass for the browser.
// Every file name carries its content hash, so the server can mark assets
// immutable; index.html names them and is the only file revalidated. No
// inline script or style anywhere: the page runs under a strict CSP
// (server/features/console/routes.ts).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist', 'console');
const assets = path.join(outdir, 'assets');

// core/diff's canonical form hashes with node:crypto; the console uses only its
// field diff, never a hash, so the browser gets a module that says so if called.
const noNodeCrypto = {
  name: 'no-node-crypto',
  setup(b) {
    b.onResolve({ filter: /^node:crypto$/ }, () => ({ path: 'node:crypto', namespace: 'ff-stub' }));
    b.onLoad({ filter: /.*/, namespace: 'ff-stub' }, () => ({
      contents: [
        "const unavailable = () => { throw new Error('hashing is not available in the console'); };",
        'export { unavailable as createHash, unavailable as hash };',
      ].join('\n'),
      loader: 'js',
    }));
  },
};

rmSync(outdir, { recursive: true, force: true });
mkdirSync(assets, { recursive: true });
const result = await build({
  entryPoints: { app: path.join(root, 'console/src/main.tsx'), styles: path.join(root, 'console/src/styles.css') },
  outdir: assets,
  entryNames: '[name]-[hash]',
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  legalComments: 'none',
  metafile: true,
  plugins: [noNodeCrypto],
  logLevel: 'warning',
});

const outputs = Object.entries(result.metafile.outputs);
const entry = (name) => {
  const found = outputs.find(([, o]) => o.entryPoint !== undefined && o.entryPoint.endsWith(name));
  if (found === undefined) throw new Error(`build-console: no output for ${name}`);
  return path.basename(found[0]);
};
const template = readFileSync(path.join(root, 'console/src/index.html'), 'utf8');
const html = template.replace('%APP%', `/ui/assets/${entry('main.tsx')}`).replace('%STYLES%', `/ui/assets/${entry('styles.css')}`);
writeFileSync(path.join(outdir, 'index.html'), html);
const bytes = outputs.reduce((sum, [, o]) => sum + o.bytes, 0);
process.stdout.write(`dist/console: ${(bytes / 1024).toFixed(0)} KiB (${outputs.length} files)\n`);
