// `make bench` cannot break silently: every suite registered in
// bench/suites.ts runs end to end here in --quick mode (tiny sizes; the
// figures mean nothing and are not looked at) and must exit 0 and print at
// least one table. A suite is registered once, so one added later is covered
// without touching this file; a compiled bench entry point left out of the
// registry fails the last test. Needs the built tree (the e2e global setup
// builds it).
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BENCH_SUITES, runSuites, suiteArgs, type BenchSuite } from '../../bench/suites.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const temp = mkdtempSync(path.join(os.tmpdir(), 'ff-bench-suites-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** A Markdown-style table rule, as bench/lib/table.ts renders it. */
const TABLE_RULE = /^\|(?:-+:?\|)+$/m;

function run(suite: BenchSuite, out: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, suiteArgs(suite, root, ['--quick', '--out', out]), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('every make bench suite, --quick', () => {
  it('has suites registered', () => {
    expect(BENCH_SUITES.length).toBeGreaterThanOrEqual(4);
    expect(new Set(BENCH_SUITES.map((s) => s.name)).size).toBe(BENCH_SUITES.length);
  });

  it.each(BENCH_SUITES.map((s) => [s.name, s] as const))('%s runs and prints its tables', async (name, suite) => {
    const out = path.join(temp, name);
    const result = await run(suite, out);
    const context = `${suite.script} exited ${result.code}\n--- stderr (end) ---\n${result.stderr.slice(-3000)}`;
    expect(result.code, context).toBe(0);
    expect(result.stdout, context).toMatch(TABLE_RULE);
    expect(readdirSync(out).some((f) => f.endsWith('.json')), `${name} wrote no figures to --out`).toBe(true);
  }, 180_000);

  it('registers every compiled bench entry point', () => {
    const entries = readdirSync(path.join(root, 'bench'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f === 'run.ts' || path.basename(f) === 'main.ts')
      .map((f) => `dist/bench/${f.replace(/\.ts$/, '.js').split(path.sep).join('/')}`)
      .sort();
    expect(entries.length).toBeGreaterThan(0);
    expect(BENCH_SUITES.map((s) => s.script).sort()).toEqual(entries);
  });
});

describe('bench/run.mjs reports a failing suite', () => {
  it('names a suite that throws or is missing, and runs the others', () => {
    const fake = path.join(temp, 'fake');
    mkdirSync(fake, { recursive: true });
    writeFileSync(path.join(fake, 'throws.mjs'), 'await Promise.resolve();\nthrow new Error("boom");\n');
    writeFileSync(path.join(fake, 'fine.mjs'), 'console.log("| a |\\n|---|");\n');
    const failed = runSuites(
      [
        { name: 'throws', script: 'throws.mjs', measures: '' },
        { name: 'missing', script: 'missing.mjs', measures: '' },
        { name: 'fine', script: 'fine.mjs', measures: '' },
      ],
      fake,
      [],
    );
    expect(failed).toEqual(['throws (exit 1)', 'missing (exit 1)']);
  });
});
