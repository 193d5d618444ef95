// Wall time of `ff validate` on the example repository and on a generated
// 10,000-flag repository, as ratios to a bare `node -e 0` and to a bare oclif
// start (`ff --version`), and validate at scale against js-yaml alone parsing
// the same files (js-yaml-parse.ts), all measured in the same run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { installCliPackage } from './installed-cli.js';
import { timeCommands, type CommandTiming, type TimedCommand } from './timing.js';

export interface CliBenchOptions {
  root: string;
  /** Flags in the generated repository (the target is 10,000). */
  generatedFlags: number;
  /** Timed runs of the quick commands, and of validate on the generated repository. */
  runs: number;
  bigRuns: number;
  seed: number;
  onStep?: (message: string) => void;
}

export interface CliRow extends CommandTiming {
  /** Median ÷ median of the baseline. */
  ratioToNode: number;
  ratioToOclif: number;
  /** Minimum ÷ minimum of the baseline: closest to the cost on an idle machine. */
  minRatioToNode: number;
  minRatioToOclif: number;
}

export interface CliFigures {
  generatedRepository: { flags: number; generator: string; summary: string };
  rows: CliRow[];
  /** Commands not measured because the CLI cannot run them yet, with the reason. */
  pending: { name: string; reason: string }[];
  /** Median of `ff --version` minus `node -e 0`: what starting oclif costs. */
  oclifOverNodeMs: number;
  /** Median of `ff validate flags` minus the median of `ff --version`: what our command adds to oclif. */
  validateOverOclifMs: number;
  /** The same two differences on the minimum times. */
  oclifOverNodeMinMs: number;
  validateOverOclifMinMs: number;
  /** ff validate on the generated repository ÷ js-yaml alone parsing its files (medians, and minima). */
  validateVsJsYaml: { median: number; min: number; goal: number };
  /** Installed package: median of `ff validate flags` ÷ median of `ff --version` (goal ≤ 1.25). */
  installedValidateOverVersion: number;
}

export const NODE_BASELINE = 'node -e 0';
export const OCLIF_BASELINE = 'ff --version (bare oclif)';
/** `ff validate` on the generated repository may take at most this many times js-yaml's parse of its files. */
export const VALIDATE_VS_JS_YAML_GOAL = 2.5;
export const jsYamlName = (flags: number) => `js-yaml load <${flags} flags> (baseline)`;
export const validateBigName = (flags: number) => `ff validate <${flags} flags>`;
export const INSTALLED_VERSION = 'installed @ff/cli: ff --version';
export const INSTALLED_VALIDATE = 'installed @ff/cli: ff validate flags';

function cliCan(root: string, args: readonly string[]): { ok: boolean; reason: string } {
  const r = spawnSync(process.execPath, ['bin/run.js', ...args], { cwd: root, encoding: 'utf8' });
  return r.status === 0 ? { ok: true, reason: '' } : { ok: false, reason: (r.stderr || r.stdout || r.error?.message || '').trim().split('\n')[0] ?? '' };
}

export function runCliBench(options: CliBenchOptions): CliFigures {
  const { root } = options;
  const node = process.execPath;
  const work = mkdtempSync(path.join(os.tmpdir(), 'ff-bench-cli-'));
  try {
    const generatedDir = path.join(work, 'repo');
    options.onStep?.(`generating a ${options.generatedFlags}-flag repository`);
    const gen = spawnSync(node, ['scripts/gen-repo.mjs', '--out', generatedDir, '--flags', String(options.generatedFlags), '--seed', String(options.seed)], {
      cwd: root,
      encoding: 'utf8',
    });
    if (gen.status !== 0) throw new Error(`scripts/gen-repo.mjs failed: ${gen.stderr}`);

    const quick = (name: string, args: string[]): TimedCommand => ({ name, command: node, args, cwd: root, runs: options.runs });
    const commands: TimedCommand[] = [quick(NODE_BASELINE, ['-e', '0'])];
    const pending: CliFigures['pending'] = [];
    const version = cliCan(root, ['--version']);
    if (version.ok) {
      commands.push(quick(OCLIF_BASELINE, ['bin/run.js', '--version']), quick('ff --help', ['bin/run.js', '--help']));
    } else {
      pending.push({ name: OCLIF_BASELINE, reason: version.reason });
    }
    const validate = cliCan(root, ['validate', '--help']);
    if (validate.ok) {
      commands.push(quick('ff validate flags', ['bin/run.js', 'validate', 'flags']));
      const big = (name: string, args: string[]): TimedCommand => ({ name, command: node, args, cwd: root, runs: options.bigRuns });
      commands.push(
        big(validateBigName(options.generatedFlags), ['bin/run.js', 'validate', generatedDir]),
        big(jsYamlName(options.generatedFlags), [path.join(root, 'dist', 'bench', 'cli', 'js-yaml-parse.js'), generatedDir]),
      );
    } else {
      pending.push({ name: 'ff validate', reason: validate.reason || 'the validate command is not available' });
    }

    options.onStep?.('packing and installing @ff/cli');
    const installed = installCliPackage(root, work);
    commands.push(quick(INSTALLED_VERSION, [installed, '--version']), quick(INSTALLED_VALIDATE, [installed, 'validate', 'flags']));

    options.onStep?.(`timing ${commands.length} commands`);
    const timings = timeCommands(commands, options.seed);
    const byName = (name: string) => timings.find((t) => t.name === name);
    const nodeMs = byName(NODE_BASELINE)?.medianMs ?? Number.NaN;
    const oclifMs = byName(OCLIF_BASELINE)?.medianMs ?? Number.NaN;
    const nodeMinMs = byName(NODE_BASELINE)?.minMs ?? Number.NaN;
    const oclifMinMs = byName(OCLIF_BASELINE)?.minMs ?? Number.NaN;
    const validateBig = byName(validateBigName(options.generatedFlags));
    const jsYaml = byName(jsYamlName(options.generatedFlags));
    const rows = timings.map((t) => ({
      ...t,
      commandLine: t.commandLine.replace(generatedDir, `<generated ${options.generatedFlags}-flag repo>`).replace(`${root}${path.sep}`, ''),
      ratioToNode: t.medianMs / nodeMs,
      ratioToOclif: t.medianMs / oclifMs,
      minRatioToNode: t.minMs / nodeMinMs,
      minRatioToOclif: t.minMs / oclifMinMs,
    }));
    return {
      generatedRepository: { flags: options.generatedFlags, generator: `node scripts/gen-repo.mjs --flags ${options.generatedFlags} --seed ${options.seed}`, summary: gen.stdout.trim().replace(generatedDir, '<tmp>') },
      rows,
      pending,
      oclifOverNodeMs: oclifMs - nodeMs,
      validateOverOclifMs: (byName('ff validate flags')?.medianMs ?? Number.NaN) - oclifMs,
      oclifOverNodeMinMs: oclifMinMs - nodeMinMs,
      validateOverOclifMinMs: (byName('ff validate flags')?.minMs ?? Number.NaN) - oclifMinMs,
      validateVsJsYaml: {
        median: (validateBig?.medianMs ?? Number.NaN) / (jsYaml?.medianMs ?? Number.NaN),
        min: (validateBig?.minMs ?? Number.NaN) / (jsYaml?.minMs ?? Number.NaN),
        goal: VALIDATE_VS_JS_YAML_GOAL,
      },
      installedValidateOverVersion: (byName(INSTALLED_VALIDATE)?.medianMs ?? Number.NaN) / (byName(INSTALLED_VERSION)?.medianMs ?? Number.NaN),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
