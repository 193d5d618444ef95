// The installed `ff` (cli/dist/ff.cjs, the package's bin): the CLI bundle
// loaded through the compile cache. The build defines FF_BUNDLE_HASH as the
// bundle's content hash.
import { launch } from './compile-cache.js';

declare const FF_BUNDLE_HASH: string;

launch(__filename, FF_BUNDLE_HASH).catch((error: unknown) => {
  // Only a broken installation gets here (the CLI reports its own errors).
  process.stderr.write(`ff: cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
