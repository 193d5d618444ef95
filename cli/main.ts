// The `ff` process: what bin/run.js (this repository) and dist/ff.js (the
// installable package, cli/package.json) both run.
import { execute, settings } from '@oclif/core';

export { COMMANDS } from './commands.js';
export { default as commandNotFound } from './hooks/command-not-found.js';

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
