// `ff plan` and `ff apply` on a generated repository of N
// flags × 3 environments (wall time of the whole CLI process, and as a ratio
// to `ff validate` on the same repository, measured in the same run), and the
// time from apply's response to an evaluation reflecting the new revision.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadRepository } from '../../core/repo/index.js';
import { mintToken } from '../../server/auth/dev-token.js';
import { timeCommands, type CommandTiming, type TimedCommand } from '../cli/timing.js';
import { median, min } from '../lib/stats.js';
import { launchServer, type ServerChild } from '../server/child.js';
import { createFixture } from './fixture.js';
import { measurePropagation, type PropagationFigures } from './propagation.js';

export interface GitopsBenchOptions {
  root: string;
  /** Flags in the generated repository (the target is 5,000). */
  flags: number;
  /** Timed runs of validate and of each plan / one-flag apply. */
  runs: number;
  /** Fresh servers for the first, all-creates apply (each one sample). */
  applyRuns: number;
  /** Applies timed for the propagation figure. */
  propagationSamples: number;
  seed: number;
  onStep?: (message: string) => void;
}

export interface GitopsRow {
  name: string;
  what: string;
  samplesMs: number[];
  medianMs: number;
  minMs: number;
  /** Median over the median of `ff validate` on the same repository. */
  ratioToValidate: number;
  exitCodes: number[];
  failureOutput?: string;
}

export interface GitopsFigures {
  repository: { flags: number; environments: number; tenant: string; generator: string; summary: string };
  validateMedianMs: number;
  rows: GitopsRow[];
  propagation: PropagationFigures;
}

const SECRET = 'bench-secret-that-is-at-least-32-bytes-long';

function merge(name: string, what: string, timings: CommandTiming[]): Omit<GitopsRow, 'ratioToValidate'> {
  const samplesMs = timings.flatMap((t) => t.samplesMs);
  const failure = timings.find((t) => t.failureOutput !== undefined)?.failureOutput;
  return {
    name,
    what,
    samplesMs,
    medianMs: median(samplesMs),
    minMs: min(samplesMs),
    exitCodes: [...new Set(timings.flatMap((t) => t.exitCodes))].sort((a, b) => a - b),
    ...(failure === undefined ? {} : { failureOutput: failure }),
  };
}

export async function runGitopsBench(options: GitopsBenchOptions): Promise<GitopsFigures> {
  const { root, onStep } = options;
  const node = process.execPath;
  const ffBin = path.join(root, 'bin/run.js');
  const work = mkdtempSync(path.join(os.tmpdir(), 'ff-bench-gitops-'));
  const servers: ServerChild[] = [];
  const startServer = async (name: string): Promise<ServerChild> => {
    const dir = path.join(work, name);
    mkdirSync(dir, { recursive: true });
    const server = await launchServer({
      name,
      script: path.join(root, 'dist/server/main.js'),
      args: ['serve'],
      cwd: root,
      env: { FF_JWT_SECRET: SECRET, FF_DB_PATH: path.join(dir, 'ff.db'), FF_HOST: '127.0.0.1', FF_PORT: '0', FF_SEED_DIR: path.join(dir, 'no-seed') },
      timeoutMs: 60_000,
    });
    servers.push(server);
    return server;
  };
  try {
    onStep?.(`generating a ${options.flags}-flag repository in Git`);
    const fixture = createFixture(root, work, options.flags, options.seed);
    const token = await mintToken({ secret: SECRET, tenants: [fixture.tenant], sub: 'bench' });
    const ff = (server: ServerChild, args: string[]) => ['bin/run.js', ...args, '--server', server.url, '--token', token];
    const command = (name: string, args: string[], runs: number): TimedCommand => ({ name, command: node, args, cwd: root, runs });
    const validate = command('validate', [ffBin, 'validate', fixture.flagsDir], options.runs);

    onStep?.('timing ff validate and ff plan against an empty server (every flag a create)');
    let server = await startServer('empty');
    const emptyPhase = timeCommands([validate, command('plan-creates', ff(server, ['plan', fixture.flagsDir, '-t', fixture.tenant]), options.runs)], options.seed);

    onStep?.(`timing the first ff apply (${options.flags} creates) on ${options.applyRuns} fresh server(s)`);
    const firstApplies: CommandTiming[] = [];
    for (let i = 0; i < options.applyRuns; i++) {
      if (i > 0) server = await startServer(`fresh-${i}`);
      const apply = command('apply-creates', ff(server, ['apply', fixture.flagsDir, '-t', fixture.tenant, '--auto-approve']), 1);
      firstApplies.push(...timeCommands([apply], options.seed, 0));
    }

    onStep?.('timing ff plan with nothing to change, and one-flag plan/apply cycles');
    const steadyPhase = timeCommands([validate, command('plan-nochange', ff(server, ['plan', fixture.flagsDir, '-t', fixture.tenant]), options.runs)], options.seed + 1);
    const onePlans: CommandTiming[] = [];
    const oneApplies: CommandTiming[] = [];
    for (let round = 1; round <= options.runs; round++) {
      fixture.commitOneChange(round);
      onePlans.push(...timeCommands([command('plan-one', ff(server, ['plan', fixture.flagsDir, '-t', fixture.tenant]), 1)], options.seed, 0));
      oneApplies.push(...timeCommands([command('apply-one', ff(server, ['apply', fixture.flagsDir, '-t', fixture.tenant, '--auto-approve']), 1)], options.seed, 0));
    }

    onStep?.(`measuring apply → evaluation propagation (${options.propagationSamples} applies)`);
    const loaded = await loadRepository(fixture.flagsDir);
    const state = loaded.tenants[0];
    if (!state) throw new Error('the generated repository did not load');
    const current = await fetch(`${server.url}/v1/state`, { headers: { authorization: `Bearer ${token}`, 'x-tenant-id': fixture.tenant } });
    const { revision } = (await current.json()) as { revision: number };
    const propagation = await measurePropagation({ url: server.url, token, tenant: fixture.tenant }, state, revision, options.propagationSamples);

    const byName = (timings: CommandTiming[], name: string) => timings.filter((t) => t.name === name);
    const validateRow = merge('ff validate', 'load and validate the files (the baseline)', [...byName(emptyPhase, 'validate'), ...byName(steadyPhase, 'validate')]);
    const rows = [
      validateRow,
      merge('ff plan (all creates)', 'validate + manifest probe + dry run against an empty tenant', byName(emptyPhase, 'plan-creates')),
      merge('ff apply (all creates)', `first apply: ${options.flags} flags written, audited, indexed`, firstApplies),
      merge('ff plan (no change)', 'validate + dry run against the applied state', byName(steadyPhase, 'plan-nochange')),
      merge('ff plan (one flag changed)', 'one update among all flags', onePlans),
      merge('ff apply (one flag changed)', 'validate + git + plan + manifest probe + delta apply of one update', oneApplies),
    ].map((row) => ({ ...row, ratioToValidate: row.medianMs / validateRow.medianMs }));
    return {
      repository: {
        flags: options.flags,
        environments: state.environments.length,
        tenant: fixture.tenant,
        generator: `node scripts/gen-repo.mjs --flags ${options.flags} --tenants 1 --seed ${options.seed}`,
        summary: fixture.summary,
      },
      validateMedianMs: validateRow.medianMs,
      rows,
      propagation,
    };
  } finally {
    for (const s of servers) await s.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
