// Smoke tests of the benchmark harness and the repository generator on tiny
// sizes. No timing is asserted: only that they run, that every peer is set up
// with a flag equivalent to ours, and that generated repositories are valid
// and reproducible.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { jsYamlName, runCliBench, NODE_BASELINE, validateBigName } from '../../bench/cli/run-cli.js';
import { renderCliReport } from '../../bench/cli/report.js';
import { timeCommands } from '../../bench/cli/timing.js';
import type { EngineAdapter } from '../../bench/engine/adapter.js';
import { ffAdapter } from '../../bench/engine/ff.js';
import { flagdAdapter } from '../../bench/engine/flagd.js';
import { growthbookAdapter } from '../../bench/engine/growthbook.js';
import { renderEngineReport } from '../../bench/engine/report.js';
import { runEngineBench } from '../../bench/engine/run-engine.js';
import { unleashAdapter } from '../../bench/engine/unleash.js';
import { benchUsers, workloadBRuleOutcome, WORKLOADS } from '../../bench/engine/workloads.js';
import { median, seededRandom, shuffled } from '../../bench/lib/stats.js';
import type { Condition, Operator } from '../../core/model/index.js';
import { loadRepository } from '../../core/repo/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const temp = mkdtempSync(path.join(os.tmpdir(), 'ff-bench-test-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const adapters: EngineAdapter[] = [ffAdapter('test'), flagdAdapter(), growthbookAdapter(), unleashAdapter()];

function generate(out: string, ...args: string[]) {
  return spawnSync(process.execPath, ['scripts/gen-repo.mjs', '--out', out, ...args], { cwd: root, encoding: 'utf8' });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(path.join(dir, f)).isFile())
    .sort();
}

describe('scripts/gen-repo.mjs', () => {
  const first = path.join(temp, 'gen-1');

  it('writes a valid two-tenant repository that uses every operator', async () => {
    const run = generate(first, '--flags', '300', '--tenants', '2', '--seed', '7', '--flags-per-file', '40');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const loaded = await loadRepository(first);
    expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(loaded.tenants.map((t) => [t.tenant, t.flags.length, t.environments.length])).toEqual([
      ['gen-acme', 150, 3],
      ['gen-globex', 150, 3],
    ]);
    const operators = new Set<Operator>();
    const note = (c: Condition) => c.operator !== undefined && operators.add(c.operator);
    for (const t of loaded.tenants) {
      for (const s of t.segments) (s.conditions ?? []).forEach(note);
      for (const f of t.flags) for (const env of Object.values(f.environments ?? {})) for (const r of env?.rules ?? []) (r.conditions ?? []).forEach(note);
    }
    expect(operators.size).toBe(20);
    expect(new Set(loaded.tenants.flatMap((t) => t.flags.map((f) => f.type)))).toEqual(new Set(['boolean', 'string', 'number', 'object']));
  }, 60_000);

  it('is deterministic: the same arguments give byte-identical files, another seed does not', () => {
    const again = path.join(temp, 'gen-2');
    const other = path.join(temp, 'gen-3');
    expect(generate(again, '--flags', '300', '--tenants', '2', '--seed', '7', '--flags-per-file', '40').status).toBe(0);
    expect(generate(other, '--flags', '300', '--tenants', '2', '--seed', '8', '--flags-per-file', '40').status).toBe(0);
    const files = filesUnder(first);
    expect(filesUnder(again)).toEqual(files);
    for (const f of files) expect(readFileSync(path.join(again, f), 'utf8'), f).toBe(readFileSync(path.join(first, f), 'utf8'));
    expect(files.some((f) => readFileSync(path.join(other, f), 'utf8') !== readFileSync(path.join(first, f), 'utf8'))).toBe(true);
  }, 60_000);

  it('refuses a non-empty output folder without --force', () => {
    const run = generate(first, '--flags', '5');
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/not empty/);
    expect(generate(first, '--flags', '5', '--force').status).toBe(0);
  });
});

describe('engine adapters express the same flags', () => {
  const users = benchUsers(3000);

  it.each(adapters.map((a) => [a.name, a] as const))('%s: workload A serves enterprise users on and about 25% of the rest', async (_name, adapter) => {
    const engine = (await adapter.prepare('A'))!;
    let restOn = 0;
    let rest = 0;
    for (const u of users) {
      const outcome = engine.evaluate(engine.context(u));
      expect(WORKLOADS.A.outcomes).toContain(outcome);
      if (u.plan === 'enterprise') expect(outcome).toBe('on');
      else {
        rest++;
        if (outcome === 'on') restOn++;
      }
    }
    await engine.close();
    // ±5 standard deviations at 2,700 users: a wrong rollout (say 75%) cannot pass.
    expect(Math.abs(restOn / rest - 0.25)).toBeLessThan(0.05);
  });

  it.each(adapters.map((a) => [a.name, a] as const))('%s: workload B decides rule users as the reference does, splits the rest 3 ways', async (_name, adapter) => {
    const engine = (await adapter.prepare('B'))!;
    const split: Record<string, number> = {};
    let splitUsers = 0;
    for (const u of users) {
      const outcome = engine.evaluate(engine.context(u));
      const expected = workloadBRuleOutcome(u);
      if (expected !== undefined) expect(outcome, u.key).toBe(expected);
      else {
        splitUsers++;
        split[outcome] = (split[outcome] ?? 0) + 1;
      }
    }
    await engine.close();
    expect(Object.keys(split).sort()).toEqual([...WORKLOADS.B.outcomes].sort());
    for (const count of Object.values(split)) expect(Math.abs(count / splitUsers - 1 / 3)).toBeLessThan(0.06);
  });
});

describe('engine bench harness', () => {
  it('runs both workloads on every engine and reports ratios and sanity shares', async () => {
    const figures = await runEngineBench({ ours: adapters[0]!, peers: adapters.slice(1), users: 500, rounds: 2, warmupEvaluations: 50, chunkSize: 100, seed: 3, workloads: ['A', 'B'] });
    expect(figures.map((f) => f.workload)).toEqual(['A', 'B']);
    for (const f of figures) {
      expect(f.engines.map((e) => e.engine)).toEqual(adapters.map((a) => a.name));
      for (const e of f.engines) {
        expect(e.roundsPerSecond).toHaveLength(2);
        expect(e.medianPerSecond).toBeGreaterThan(0);
        expect(Object.values(e.shares).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      }
      expect(Number.isFinite(f.oursVsFastestPeer)).toBe(true);
    }
    const text = renderEngineReport(figures);
    for (const a of adapters) expect(text).toContain(a.name);
    expect(text).toContain('expected on 32.');
  });
});

describe('CLI timing harness', () => {
  it('times processes and records failing exit codes with their output', () => {
    const [ok, failing] = timeCommands(
      [
        { name: 'ok', command: process.execPath, args: ['-e', '0'], cwd: root, runs: 2 },
        { name: 'failing', command: process.execPath, args: ['-e', 'console.error("boom"); process.exit(3)'], cwd: root, runs: 1 },
      ],
      1,
      0,
    );
    expect(ok!.samplesMs).toHaveLength(2);
    expect(ok!.minMs).toBeGreaterThan(0);
    expect(ok!.exitCodes).toEqual([0]);
    expect(failing!.exitCodes).toEqual([3]);
    expect(failing!.failureOutput).toContain('boom');
  });

  it('runs the CLI bench end to end on a tiny generated repository (or reports what is pending)', () => {
    const figures = runCliBench({ root, generatedFlags: 20, runs: 1, bigRuns: 1, seed: 1 });
    const names = figures.rows.map((r) => r.name);
    expect(names).toContain(NODE_BASELINE);
    expect(names.length + figures.pending.length).toBeGreaterThanOrEqual(3);
    expect(figures.rows.find((r) => r.name === NODE_BASELINE)!.ratioToNode).toBe(1);
    expect(renderCliReport(figures)).toContain(NODE_BASELINE);
    // validate at scale against js-yaml alone on the same files, both exiting 0.
    for (const name of [validateBigName(20), jsYamlName(20)]) expect(figures.rows.find((r) => r.name === name)?.exitCodes, name).toEqual([0]);
    expect(figures.validateVsJsYaml.median).toBeGreaterThan(0);
    expect(renderCliReport(figures)).toMatch(/at most 2\.5× what js-yaml alone needs/);
  }, 120_000);
});

describe('stats helpers', () => {
  it('median of odd and even lists', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('shuffle is a seeded permutation', () => {
    const items = [1, 2, 3, 4, 5, 6];
    const a = shuffled(items, seededRandom(9));
    expect([...a].sort()).toEqual(items);
    expect(shuffled(items, seededRandom(9))).toEqual(a);
  });
});
