#!/usr/bin/env node
// After a full test run: fail unless the PostgreSQL tier really ran. The
// tier's vitest global setup writes test-results/postgres-tier.json at the end
// of the run (databases the tests created, and from which files); a run that
// skipped the tier, or never started it, leaves no report or a count of zero.
// --matrix also fails when a test file that runs its body on both stores
// (storeMatrix) created no PostgreSQL database: one converted file silently
// falling back to SQLite would otherwise pass unnoticed among the others.
// Usage: node scripts/check-postgres-tier.mjs [--since EPOCH_MS] [--min-files N] [--matrix]
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const REPORT = path.join(ROOT, 'test-results', 'postgres-tier.json');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const since = option('--since', 0);
const minFiles = option('--min-files', 1);

const fail = (message) => {
  console.error(`PostgreSQL test tier: ${message}`);
  process.exit(1);
};

let report;
try {
  report = JSON.parse(readFileSync(REPORT, 'utf8'));
} catch {
  fail(`no report at ${path.relative(ROOT, REPORT)}: the tier did not run`);
}
if (Date.parse(report.finishedAt) < since) fail(`the report is from an earlier run (${report.finishedAt})`);
if (!(report.databases > 0)) fail('no test created a PostgreSQL database: the tier was skipped');
if (report.files.length < minFiles) fail(`only ${report.files.length} test file(s) used PostgreSQL, expected at least ${minFiles}`);
if (args.includes('--matrix')) {
  const matrixFiles = testFiles(path.join(ROOT, 'test'))
    .filter((file) => /\bstoreMatrix\(\)/.test(readFileSync(file, 'utf8')))
    .map((file) => path.relative(ROOT, file).split(path.sep).join('/'));
  const missing = matrixFiles.filter((file) => !report.files.includes(file));
  if (missing.length > 0) fail(`these test files run on both stores but created no PostgreSQL database: ${missing.join(', ')}`);
}
console.log(`PostgreSQL test tier ran on ${report.server}: ${report.databases} databases from ${report.files.length} test files`);

/** Every *.test.ts under `dir`. */
function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.test.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}
