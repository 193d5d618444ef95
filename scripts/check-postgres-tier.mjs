#!/usr/bin/env node
// After a full test run: fail unless the PostgreSQL tier really ran. The
// tier's vitest global setup writes test-results/postgres-tier.json at the end
// of the run (databases the tests created, and from which files); a run that
// skipped the tier, or never started it, leaves no report or a count of zero.
// --matrix also fails when a test file that runs its body on both stores
// (storeMatrix) created no PostgreSQL database: one converted file silently
// falling back to SQLite would otherwise pass unnoticed among the others.
// --postgres-only also fails when a PostgreSQL-only test file (one that asks
// the tier for a database, createTestDatabase() or postgresContext(), without
// the matrix: replicas, faults, COPY, transactions, migrations, the change
// watcher, start-up) created none: skipping one of those, by a filter or a
// skipped describe, would otherwise leave the tier's count above zero.
// --root DIR reads DIR/test-results and DIR/test instead of this repository's
// (for the script's own test).
// Usage: node scripts/check-postgres-tier.mjs [--since EPOCH_MS] [--min-files N] [--matrix] [--postgres-only] [--root DIR]
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const value = (name) => {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
};
const option = (name, fallback) => Number(value(name) ?? fallback);
const ROOT = path.resolve(value('--root') ?? path.join(import.meta.dirname, '..'));
const REPORT = path.join(ROOT, 'test-results', 'postgres-tier.json');
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
const files = testFiles(path.join(ROOT, 'test')).map((file) => ({ file: path.relative(ROOT, file).split(path.sep).join('/'), text: readFileSync(file, 'utf8') }));
const isMatrix = ({ text }) => /\bstoreMatrix\(\)/.test(text);
if (args.includes('--matrix')) {
  const missing = files.filter(isMatrix).map((f) => f.file).filter((file) => !report.files.includes(file));
  if (missing.length > 0) fail(`these test files run on both stores but created no PostgreSQL database: ${missing.join(', ')}`);
}
if (args.includes('--postgres-only')) {
  const postgresOnly = files.filter((f) => !isMatrix(f) && /\b(createTestDatabase|postgresContext)\(/.test(f.text)).map((f) => f.file);
  const missing = postgresOnly.filter((file) => !report.files.includes(file));
  if (missing.length > 0) fail(`these PostgreSQL-only test files created no PostgreSQL database (skipped?): ${missing.join(', ')}`);
}
console.log(`PostgreSQL test tier ran on ${report.server}: ${report.databases} databases from ${report.files.length} test files`);

/** Every *.test.ts under `dir`. */
function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.test.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}
