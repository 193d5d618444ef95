// What the installable packages of this repository (cli/ → @ff/cli, sdk/ →
// @ff/sdk) share when esbuild bundles them: one version with the root package,
// Node ESM output for the Node versions the root supports, a require() for the
// CommonJS dependencies they bundle, licence notices beside the bundle, and a
// one-line size report. ADR 0004 (the CLI) and docs/sdk.md (the SDK).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The package.json of `folder` (relative to the root); fails unless its version is the root's. */
export function readReleasedPackage(folder) {
  const rootVersion = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;
  const manifest = JSON.parse(readFileSync(path.join(root, folder, 'package.json'), 'utf8'));
  if (manifest.version !== rootVersion) {
    throw new Error(`${folder}/package.json is at ${manifest.version}, the root package at ${rootVersion}: both are released together (ADR 0004)`);
  }
  return manifest;
}

/**
 * Bundles into `outdir` (emptied first) with the options every package
 * shares; `options` adds or overrides esbuild options (entry points, splitting,
 * externals). Writes meta.json (never packed) and returns the metafile.
 */
export async function bundlePackage(outdir, options) {
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    // CommonJS dependencies require() Node's built-ins; an ES module has no
    // require of its own, so the bundle gets one.
    banner: { js: "import { createRequire as __ffCreateRequire } from 'node:module';\nconst require = __ffCreateRequire(import.meta.url);" },
    // No keepNames: it wraps every function in a defineProperty call at load;
    // nothing here depends on minified names.
    minify: true,
    legalComments: 'external',
    metafile: true,
    logLevel: 'warning',
    ...options,
    outdir,
  });
  writeFileSync(path.join(outdir, 'meta.json'), JSON.stringify(result.metafile));
  return result.metafile;
}

/** "cli/dist: 812 KiB bundled (cli/package.json @ff/cli@0.1.0)". */
export function reportSize(folder, outdirName, metafile, manifest) {
  const bytes = Object.values(metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
  process.stdout.write(`${folder}/${outdirName}: ${(bytes / 1024).toFixed(0)} KiB bundled (${folder}/package.json ${manifest.name}@${manifest.version})\n`);
}
