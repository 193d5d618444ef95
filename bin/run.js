#!/usr/bin/env node
// `ff` in development: the compiled CLI in dist/ (npm run build), with this
// repository's package.json as its oclif configuration.
import { run } from '../dist/cli/main.js';

await run(import.meta.url);
