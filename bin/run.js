#!/usr/bin/env node
import { execute, settings } from '@oclif/core';

// This entry point always runs the compiled commands in dist/: never let oclif
// try to transpile the TypeScript sources, even under NODE_ENV=test|development.
settings.enableAutoTranspile = false;

// `ff … | head` closes the pipe early: stop quietly, as Unix tools do, rather
// than dying on an unhandled EPIPE with a stack trace.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

await execute({ dir: import.meta.url });
