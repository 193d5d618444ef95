// The `ff` process: what bin/run.js (this repository) and dist/ff.cjs (the
// installable package, cli/package.json) both run.
import { isMainThread, workerData } from 'node:worker_threads';
import { execute, settings } from '@oclif/core';
import { isRefsSearchJob } from './actions/refs-worker.js';

export { COMMANDS } from './commands.js';
export { default as commandNotFound } from './hooks/command-not-found.js';

// In the installed package every module is in one bundle, and `ff refs`
// starts its worker threads on that file: such a thread runs the search
// (the module's own check), not the CLI.
if (!isMainThread && isRefsSearchJob(workerData)) void import('./actions/refs-search.js');

/**
 * Runs the CLI whose package.json is found from `packageUrl` upwards (the
 * root package in development, @ff/cli when installed).
 */
export async function run(packageUrl: string): Promise<void> {
  // Always run the compiled commands: never let oclif try to transpile
  // TypeScript sources, even under NODE_ENV=test|development.
  settings.enableAutoTranspile = false;
  // `ff … | head` closes the pipe early: stop quietly, as Unix tools do,
  // rather than dying on an unhandled EPIPE with a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  await execute({ dir: packageUrl });
}
